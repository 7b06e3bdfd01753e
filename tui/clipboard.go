package tui

import (
	"io"

	"github.com/aymanbagabas/go-osc52/v2"
)

// OSC52 returns a clipboard function that writes an OSC 52 sequence to w,
// the terminal: the terminal (even over SSH) puts the text on the system
// clipboard. Inside tmux or screen the sequence is wrapped so that the
// multiplexer passes it on.
func OSC52(w io.Writer, multiplexer string) func(text string) error {
	return func(text string) error {
		seq := osc52.New(text)
		switch multiplexer {
		case "tmux":
			seq = seq.Tmux()
		case "screen":
			seq = seq.Screen()
		}
		_, err := seq.WriteTo(w)
		return err
	}
}

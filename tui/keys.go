package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the UI. The root model enables only the
// bindings that do something in the current state, and the help bar is
// built from the same bindings, so it never advertises a dead key.
type KeyMap struct {
	// Global.
	NextPane, PrevPane                      key.Binding
	LayersPane, BreakdownPane, FilesPane    key.Binding
	PlanPane, Help, Quit, ForceQuit, Cancel key.Binding

	// Navigation, shared by the panes.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding

	// Layers.
	ToggleScope key.Binding

	// Breakdown.
	Details, ShowFiles key.Binding

	// Files.
	Toggle, Expand, Collapse, CollapseAll, ExpandAll, Largest key.Binding
	Filter, CategoryFilter, WastedOnly, NotNeededOnly         key.Binding
	ClearFilters                                              key.Binding

	// Plan.
	NextTab, PrevTab, Write, Copy key.Binding

	// Prompts.
	Accept, Confirm, Deny key.Binding
}

// DefaultKeyMap returns the default bindings: arrows and vim keys, tab
// between panes, ? for help, q to quit.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return KeyMap{
		NextPane:      b([]string{"tab"}, "tab", "next pane"),
		PrevPane:      b([]string{"shift+tab"}, "shift+tab", "previous pane"),
		LayersPane:    b([]string{"1"}, "1", "layers"),
		BreakdownPane: b([]string{"2"}, "2", "breakdown"),
		FilesPane:     b([]string{"3"}, "3", "files"),
		PlanPane:      b([]string{"4"}, "4", "plan"),
		Help:          b([]string{"?"}, "?", "help"),
		Quit:          b([]string{"q"}, "q", "quit"),
		ForceQuit:     b([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Cancel:        b([]string{"ctrl+c", "q", "esc"}, "ctrl+c", "cancel"),

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+b", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+f", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "g/home", "top"),
		Bottom:   b([]string{"end", "G"}, "G/end", "bottom"),

		ToggleScope: b([]string{"a"}, "a", "layer only/up to layer"),

		Details:   b([]string{"enter", " "}, "enter", "packages & dirs"),
		ShowFiles: b([]string{"f"}, "f", "show its files"),

		Toggle:         b([]string{"enter", " "}, "enter", "open/close"),
		Expand:         b([]string{"right", "l"}, "→/l", "open"),
		Collapse:       b([]string{"left", "h"}, "←/h", "close/parent"),
		CollapseAll:    b([]string{"C"}, "C", "collapse all"),
		ExpandAll:      b([]string{"E"}, "E", "expand all"),
		Largest:        b([]string{"b"}, "b", "biggest file"),
		Filter:         b([]string{"/"}, "/", "filter"),
		CategoryFilter: b([]string{"c"}, "c", "category"),
		WastedOnly:     b([]string{"w"}, "w", "wasted only"),
		NotNeededOnly:  b([]string{"n"}, "n", "not needed at run time"),
		ClearFilters:   b([]string{"esc"}, "esc", "clear filters"),

		NextTab: b([]string{"]", "right", "l"}, "]/→", "next file"),
		PrevTab: b([]string{"[", "left", "h"}, "[/←", "previous file"),
		Write:   b([]string{"w"}, "w", "write files"),
		Copy:    b([]string{"y"}, "y", "copy to clipboard"),

		Accept:  b([]string{"enter"}, "enter", "accept"),
		Confirm: b([]string{"y"}, "y", "yes"),
		Deny:    b([]string{"n", "esc"}, "n/esc", "no"),
	}
}

// all returns pointers to every binding, for enabling and disabling them
// together.
func (k *KeyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.NextPane, &k.PrevPane, &k.LayersPane, &k.BreakdownPane, &k.FilesPane, &k.PlanPane,
		&k.Help, &k.Quit, &k.ForceQuit, &k.Cancel,
		&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom,
		&k.ToggleScope, &k.Details, &k.ShowFiles,
		&k.Toggle, &k.Expand, &k.Collapse, &k.CollapseAll, &k.ExpandAll, &k.Largest,
		&k.Filter, &k.CategoryFilter, &k.WastedOnly, &k.NotNeededOnly, &k.ClearFilters,
		&k.NextTab, &k.PrevTab, &k.Write, &k.Copy,
		&k.Accept, &k.Confirm, &k.Deny,
	}
}

package diveparity

import (
	"io"
	"os"
	"testing"

	"github.com/sirupsen/logrus"
)

// TestMain silences dive's logrus output: its efficiency pass logs an error
// for every whiteout whose target is missing (the abort quirk), which the
// random cases provoke on purpose.
func TestMain(m *testing.M) {
	logrus.SetOutput(io.Discard)
	os.Exit(m.Run())
}

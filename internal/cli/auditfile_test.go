package cli

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kenshin/internal/audit"
)

// TestAuditCSVGuardsFormulas: text that a spreadsheet would run as a
// formula is written with a leading apostrophe; other text is unchanged.
func TestAuditCSVGuardsFormulas(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		terminal, want string
	}{
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'=1"}, // the CRLF writer drops a lone CR; the guard stays
		{"PC-01", "PC-01"},
		{"", ""},
	}
	var events []audit.Event
	for i, tt := range tests {
		events = append(events, audit.Event{Seq: int64(i + 1), At: at, User: "clerk1", Terminal: tt.terminal, Kind: audit.Login, Object: "user clerk1"})
	}
	out := filepath.Join(t.TempDir(), "audit.csv")
	if err := writeAudit(&Main{}, events, "csv", out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(tests)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, tt := range tests {
		if got := rows[i+1][3]; got != tt.want {
			t.Errorf("terminal %q written as %q, want %q", tt.terminal, got, tt.want)
		}
		if rows[i+1][2] != "clerk1" || rows[i+1][5] != audit.Login {
			t.Errorf("row %d: %q", i, rows[i+1])
		}
	}
}

package evaluate

import (
	"testing"

	"kenshin/internal/batch"
	"kenshin/internal/form"
)

func TestEvaluate(t *testing.T) {
	f := &form.Form{ID: "t", Fields: []*form.Field{{Key: "a", Header: "A"}, {Key: "b", Header: "B"}, {Key: "c", Header: "C"}}}
	b := &batch.Batch{Form: f, Header: []string{"A", "B", "C"}, Columns: form.Columns{Value: []int{0, 1, 2}},
		Rows: []batch.Row{batch.NewRow(2, []string{"1", "2", "3"}), batch.NewRow(3, []string{"1", "2", "3"})}}
	yes, no := true, false
	truth := []Truth{
		{Row: 1, Column: "A", Kind: "digit"},                  // flagged → caught
		{Row: 1, Column: "B", Kind: "digit"},                  // only related to a finding → missed
		{Row: 2, Column: "C", Kind: "swap", Detectable: &no},  // silent, and not flagged
		{Row: 2, Column: "A", Kind: "swap", Detectable: &yes}, // flagged
	}
	findings := []batch.Finding{
		{Row: 1, Field: 0, Related: []int{1}, Severity: batch.Warning, Code: "x"},
		{Row: 2, Field: 0, Severity: batch.Error, Code: "y"},
		{Row: 2, Field: 1, Severity: batch.Warning, Code: "z"}, // a clean cell flagged
		{Row: 0, Field: -1, Severity: batch.Warning, Code: "file"},
		{Row: 1, Field: 1, Severity: batch.Info, Code: "i"}, // an error marked only as info: still missed
		{Row: 1, Field: 2, Severity: batch.Info, Code: "i"}, // a clean cell marked as info: no false alarm
	}
	r, err := Evaluate(b, findings, truth)
	if err != nil {
		t.Fatal(err)
	}
	if r.Injected != 4 || r.Detectable != 3 || r.Caught != 2 {
		t.Errorf("counts %+v", r.Counts)
	}
	if r.InfoOnly != 1 || r.InfoClean != 1 || r.InfoRate() != 0.5 {
		t.Errorf("info only %d, info on clean %d", r.InfoOnly, r.InfoClean)
	}
	if r.CleanCells != 2 || r.FalseAlarms != 1 || r.FalseByCode["z"] != 1 || r.FalseByCode["i"] != 0 {
		t.Errorf("clean %d false %d by code %v", r.CleanCells, r.FalseAlarms, r.FalseByCode)
	}
	if got := r.ByKind["swap"]; got.Injected != 2 || got.Detectable != 1 || got.Caught != 1 || got.SilentShare() != 0.5 {
		t.Errorf("swap %+v, undetectable share %v", got, got.SilentShare())
	}
	if r.SilentShare() != 0.25 || len(r.Missed) != 1 || r.Missed[0].Column != "B" {
		t.Errorf("silent %v missed %+v", r.SilentShare(), r.Missed)
	}
	if _, err := Evaluate(b, nil, []Truth{{Row: 9, Column: "A"}}); err == nil {
		t.Error("a truth row outside the file must be an error")
	}
}

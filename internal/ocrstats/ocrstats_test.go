package ocrstats

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kenshin/internal/benchmem"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestAlign(t *testing.T) {
	tests := []struct {
		name, ocr, final string
		want             []pair
		ok               bool
	}{
		{"one digit", "1", "7", []pair{{"1", "7"}}, true}, // the 判定 misread the vendor must hear of
		{"digit in a number", "6.0", "6.6", []pair{{"0", "6"}}, true},
		{"two digits of four", "1234", "1734", []pair{{"2", "7"}}, true},
		{"dropped point", "65", "6.5", []pair{{"", "."}}, true},
		{"invented character", "6.55", "6.5", []pair{{"5", ""}}, true},
		{"width only", "６.５", "6.5", nil, true},
		{"everything differs", "12", "34", nil, false},
		{"three of five", "12345", "12999", nil, false},
		{"two of five", "12345", "12395", []pair{{"4", "9"}}, true},
		{"too long", strings.Repeat("a", 41), strings.Repeat("b", 41), nil, false},
		{"blanked", "123", "", nil, false},
	}
	var a aligner
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := a.align([]rune(fold(tt.ocr)), []rune(fold(tt.final)))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%v)", ok, tt.ok, got)
			}
			if ok && !slices.Equal(got, tt.want) {
				t.Errorf("edits %v, want %v", got, tt.want)
			}
		})
	}
}

func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

func TestComputeSmall(t *testing.T) {
	trail := []Entry{
		{"y1-exam", 1, "2026-04", "judgement", "7", "1", true},
		{"y1-exam", 1, "2026-04", "judgement", "1", "1", false},
		{"y1-exam", 2, "2026-05", "weight", "6.0", "6.6", true},
		{"y1-exam", 2, "2026-05", "weight", "9.0", "9.6", true},
		{"y1-exam", 2, "2026-05", "weight", "", "9.1", true},
		{"m4-exam", 10, "2026-05", "weight", "8.2", "8.2", false},
		{"m4-exam", 3, "2026-04", "height", "64", "100.5", true},
	}
	s := Compute(trail, Options{})
	if s.Cells != 7 || s.Errors != 5 || s.Blanks != 1 || s.Rewrites != 1 {
		t.Errorf("cells %d errors %d blanks %d rewrites %d; want 7 5 1 1", s.Cells, s.Errors, s.Blanks, s.Rewrites)
	}
	if got, want := s.ByField, []Rate{{"weight", 4, 3}, {"height", 1, 1}, {"judgement", 2, 1}}; !slices.Equal(got, want) {
		t.Errorf("ByField %v, want %v", got, want)
	}
	if got, want := s.ByCentre, []Rate{{"1", 2, 1}, {"2", 3, 3}, {"3", 1, 1}, {"10", 1, 0}}; !slices.Equal(got, want) {
		t.Errorf("ByCentre %v, want %v", got, want)
	}
	if got, want := s.ByMonth, []Rate{{"2026-04", 3, 2}, {"2026-05", 4, 3}}; !slices.Equal(got, want) {
		t.Errorf("ByMonth %v, want %v", got, want)
	}
	if got, want := s.ByForm, []Rate{{"m4-exam", 2, 1}, {"y1-exam", 5, 4}}; !slices.Equal(got, want) {
		t.Errorf("ByForm %v, want %v", got, want)
	}
	if got, want := s.Confusions, []Confusion{{"weight", "0", "6", 2}, {"judgement", "7", "1", 1}}; !slices.Equal(got, want) {
		t.Errorf("Confusions %v, want %v", got, want)
	}
	if r := (Rate{Cells: 8, Errors: 2}); r.Percent() != 25 || (Rate{}).Percent() != 0 {
		t.Error("Percent")
	}
}

// trail is a synthetic correction trail: known misreads planted at known
// rates, identifiers only.
func trail(n int) []Entry {
	rng := rand.New(rand.NewPCG(13, 13))
	forms := []string{"m4-exam", "m10-exam", "y1-exam"}
	months := []string{"2026-04", "2026-05", "2026-06"}
	out := make([]Entry, 0, n)
	for i := range n {
		e := Entry{Form: forms[i%3], Centre: 1 + (i/3)%4, Month: months[(i/12)%3]}
		switch i % 4 {
		case 0:
			e.Key, e.Final = "judgement", "1"
			if rng.IntN(100) < 8 {
				e.OCR = "7"
			}
		case 1:
			e.Key, e.Final = "weight", fmt.Sprintf("%d.%d", 6+rng.IntN(4), 6)
			if rng.IntN(100) < 5 {
				e.OCR = e.Final[:2] + "0" // 6 read as 0
			}
		case 2:
			e.Key, e.Final = "height", fmt.Sprintf("%d.5", 60+rng.IntN(20))
			if rng.IntN(100) < 3 {
				e.OCR = strings.Replace(e.Final, ".", "", 1) // lost point
			}
		case 3:
			e.Key, e.Final = "atena_no", fmt.Sprintf("1%05d", rng.IntN(99999))
			if rng.IntN(100) < 2 {
				e.OCR = "8" + e.Final[1:]
			}
		}
		if e.OCR == "" {
			e.OCR = e.Final
		}
		e.Edited = e.OCR != e.Final
		if e.Centre == 4 && e.Key == "weight" && rng.IntN(100) < 10 { // centre 4 scans badly
			e.OCR, e.Edited = "", true
		}
		out = append(out, e)
	}
	return out
}

func render(s *Stats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cells %d errors %d blanks %d rewrites %d\n", s.Cells, s.Errors, s.Blanks, s.Rewrites)
	for _, g := range []struct {
		name  string
		rates []Rate
	}{{"field", s.ByField}, {"form", s.ByForm}, {"centre", s.ByCentre}, {"month", s.ByMonth}} {
		for _, r := range g.rates {
			fmt.Fprintf(&b, "%s %-10s %6d %5d %6.2f%%\n", g.name, r.Name, r.Cells, r.Errors, r.Percent())
		}
	}
	for _, c := range s.Confusions {
		fmt.Fprintf(&b, "confusion %-10s %q→%q %d\n", c.Key, c.From, c.To, c.Count)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	got := render(Compute(trail(6000), Options{Top: 10}))
	path := filepath.Join("testdata", "trail6000.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path) // #nosec G304 -- a fixed test fixture
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("statistics differ from %s:\n%s\nwant\n%s", path, got, want)
	}
}

func BenchmarkCompute100k(b *testing.B) {
	entries := trail(100_000)
	tr := benchmem.Track(b)
	b.ReportAllocs()
	for b.Loop() {
		Compute(entries, Options{})
	}
	tr.Report()
}

func FuzzAlign(f *testing.F) {
	f.Add("6.0", "6.6")
	f.Add("65", "6.5")
	f.Add("１２３", "1.23")
	f.Fuzz(func(t *testing.T, ocr, final string) {
		var a aligner
		o, fi := []rune(ocr), []rune(final)
		edits, ok := a.align(o, fi)
		if !ok {
			return
		}
		if len(edits) > limit(max(len(o), len(fi))) {
			t.Fatalf("%q→%q: %d edits over the limit", ocr, final, len(edits))
		}
		del, ins := 0, 0
		for _, e := range edits {
			if e.from == e.to {
				t.Fatalf("%q→%q: a no-op edit %v", ocr, final, e)
			}
			del += b2i(e.to == "")
			ins += b2i(e.from == "")
		}
		if len(o)-del+ins != len(fi) {
			t.Fatalf("%q→%q: edits %v do not account for the lengths", ocr, final, edits)
		}
	})
}

package jpdate

import (
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Date
		prob Problem
		era  Era
		full bool
		look bool
	}{
		{"kanji", "令和7年4月1日", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"gannen", "令和元年5月1日", Date{2019, 5, 1}, OK, Reiwa, false, false},
		{"letter dot", "R7.4.1", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"padded", "R07.04.01", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"slash", "R7/4/1", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"implied era", "7.4.1", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"full width", "７．４．１", Date{2025, 4, 1}, OK, Reiwa, true, false},
		{"western slash", "2025/04/01", Date{2025, 4, 1}, OK, EraNone, false, false},
		{"compact", "20250401", Date{2025, 4, 1}, OK, EraNone, false, false},
		{"western kanji", "2025年4月1日", Date{2025, 4, 1}, OK, EraNone, false, false},
		{"era compact", "R070401", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"spaces", " 令和 7年 4月 1日 ", Date{2025, 4, 1}, OK, Reiwa, false, false},
		{"heisei last day", "平成31年4月30日", Date{2019, 4, 30}, OK, Heisei, false, false},
		{"heisei after end", "平成31年5月1日", Date{2019, 5, 1}, BadEra, Heisei, false, false},
		{"heisei 32", "H32.1.1", Date{2020, 1, 1}, BadEra, Heisei, false, false},
		{"heisei first day", "平成元年1月8日", Date{1989, 1, 8}, OK, Heisei, false, false},
		{"heisei before start", "平成元年1月7日", Date{1989, 1, 7}, BadEra, Heisei, false, false},
		{"reiwa before start", "令和元年4月30日", Date{2019, 4, 30}, BadEra, Reiwa, false, false},
		{"reiwa 1 may", "R1.5.1", Date{2019, 5, 1}, OK, Reiwa, false, false},
		{"feb 30", "R7.2.30", Date{2025, 2, 30}, BadCalendar, Reiwa, false, false},
		{"leap day", "R6.2.29", Date{2024, 2, 29}, OK, Reiwa, false, false},
		{"not leap", "R7.2.29", Date{2025, 2, 29}, BadCalendar, Reiwa, false, false},
		{"month 13", "R7.13.1", Date{2025, 13, 1}, BadCalendar, Reiwa, false, false},
		{"lookalike O", "R7.1O.1", Date{2025, 10, 1}, OK, Reiwa, false, true},
		{"lookalike l", "R7.4.l", Date{2025, 4, 1}, OK, Reiwa, false, true},
		{"empty", "  ", Date{}, Empty, EraNone, false, false},
		{"garbage", "不明", Date{}, BadFormat, EraNone, false, false},
		{"unreadable", "●", Date{}, BadFormat, EraNone, false, false},
		{"two parts", "7.4", Date{}, BadFormat, EraNone, false, false},
		{"era year too long", "R123.4.1", Date{}, BadFormat, Reiwa, false, false},
		{"three digit year", "202.4.1", Date{}, BadFormat, EraNone, false, false},
		{"zero month", "R7.0.1", Date{}, BadFormat, Reiwa, false, false},
		{"double separator", "R7..4.1", Date{}, BadFormat, Reiwa, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in, Reiwa)
			if got.Problem != tt.prob {
				t.Fatalf("Parse(%q).Problem = %v, want %v (%+v)", tt.in, got.Problem, tt.prob, got)
			}
			if got.Date != tt.want {
				t.Errorf("Parse(%q).Date = %v, want %v", tt.in, got.Date, tt.want)
			}
			if tt.prob != Empty && got.Era != tt.era {
				t.Errorf("Parse(%q).Era = %v, want %v", tt.in, got.Era, tt.era)
			}
			if got.FullWidth != tt.full || got.Lookalike != tt.look {
				t.Errorf("Parse(%q) fullwidth=%v lookalike=%v, want %v %v", tt.in, got.FullWidth, got.Lookalike, tt.full, tt.look)
			}
		})
	}
}

func TestParseNoImpliedEra(t *testing.T) {
	if got := Parse("7.4.1", EraNone); got.Problem != BadFormat {
		t.Fatalf("without a preprinted era a bare year must not parse, got %+v", got)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	for _, d := range []Date{{2019, 5, 1}, {2025, 4, 1}, {2024, 2, 29}, {2026, 12, 31}} {
		for _, s := range Styles {
			text := d.Format(s)
			got := Parse(text, Reiwa)
			if got.Problem != OK || got.Date != d {
				t.Errorf("Format(%v, %v) = %q parses to %+v", d, s, text, got)
			}
		}
	}
	if got := (Date{2019, 5, 1}).Japanese(); got != "令和元年5月1日" {
		t.Errorf("Japanese() = %q", got)
	}
}

func TestMonthsBetween(t *testing.T) {
	tests := []struct {
		birth, on Date
		want      int
	}{
		{Date{2025, 1, 15}, Date{2025, 4, 14}, 2},
		{Date{2025, 1, 15}, Date{2025, 4, 15}, 3},
		{Date{2025, 1, 31}, Date{2025, 2, 28}, 1}, // month end counts as complete
		{Date{2024, 1, 31}, Date{2024, 2, 28}, 0},
		{Date{2024, 1, 31}, Date{2024, 2, 29}, 1},
		{Date{2022, 4, 1}, Date{2025, 3, 31}, 35},
		{Date{2022, 4, 1}, Date{2025, 4, 1}, 36},
		{Date{2025, 4, 1}, Date{2025, 4, 1}, 0},
		{Date{2025, 4, 2}, Date{2025, 4, 1}, -1},
		{Date{2025, 6, 10}, Date{2025, 4, 20}, -1},
	}
	for _, tt := range tests {
		if got := MonthsBetween(tt.birth, tt.on); got != tt.want {
			t.Errorf("MonthsBetween(%v, %v) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"令和7年4月1日", "R07.04.01", "７．４．１", "20250401", "平成31年4月30日", "R7.1O.1", "", "●"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse(s, Reiwa)
		if p.Problem == OK {
			if !p.Date.Valid() {
				t.Fatalf("Parse(%q) OK with invalid date %v", s, p.Date)
			}
			// A date we accept must survive being written and read again.
			if again := Parse(p.Date.Slash(), Reiwa); again.Date != p.Date || again.Problem != OK {
				t.Fatalf("Parse(%q) = %v does not round-trip: %+v", s, p.Date, again)
			}
		}
	})
}

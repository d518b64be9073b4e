package form

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"kenshin/assets"
)

func TestDefaultForms(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"m4-exam", "m4-survey", "m18-exam", "m18-survey", "m18-dental-exam", "m18-dental-survey", "y3-exam", "y3-survey", "y3-dental-exam", "y3-dental-survey"}
	for _, id := range want {
		f := s.Form(id)
		if f == nil {
			t.Fatalf("form %s missing", id)
		}
		for _, k := range []string{KeyAtena, KeyBirth, KeyExamDate, KeySex} {
			if f.Field(k) == nil {
				t.Errorf("%s lacks %s", id, k)
			}
		}
	}
	if len(s.Forms) != len(want) {
		t.Errorf("%d forms, want %d", len(s.Forms), len(want))
	}
	// spot checks of values taken from domain.md
	if f := s.Form("m4-exam").Field("weight"); f.Hard.Min != 3 || f.Hard.Max != 12 || f.Decimals != 2 || !f.GramsAllowed {
		t.Errorf("m4 weight: %+v", f)
	}
	if c, ok := s.Form("y3-exam").Field("urine_protein").Code(Fold("（－）")); !ok || c != "-" {
		t.Errorf("urine alias: %q %v", c, ok)
	}
	if lo, hi, ok := s.Growth.Band("weight", "2", 4, 5); !ok || lo != 5.40 || hi != 7.92 {
		t.Errorf("growth band: %v %v %v", lo, hi, ok)
	}
	if lo, hi, ok := s.Growth.Band("chest", "1", 18, 19); !ok || lo != 41.5 || hi != 54.6 {
		t.Errorf("chest derived from head ± 4: %v %v %v", lo, hi, ok)
	}
}

// broken copies the embedded definitions and applies a change to one file.
func broken(t *testing.T, file, old, new string) error {
	t.Helper()
	m := fstest.MapFS{}
	sub, _ := fs.Sub(assets.Forms, "forms")
	names, _ := fs.Glob(sub, "*.json")
	for _, n := range names {
		b, _ := fs.ReadFile(sub, n)
		if n == file {
			if !strings.Contains(string(b), old) {
				t.Fatalf("%s does not contain %q", file, old)
			}
			b = []byte(strings.Replace(string(b), old, new, 1))
		}
		m[n] = &fstest.MapFile{Data: b}
	}
	ref, _ := fs.Sub(assets.Reference, "reference")
	_, err := Load(m, ref)
	return err
}

func TestBrokenDefinitions(t *testing.T) {
	tests := []struct {
		name, file, old, new string
		want                 []string
	}{
		{"unknown type", "m4-exam.json", `"type": "decimal", "unit": "cm", "decimals": 1, "required": true, "hard": [50, 75]`, `"type": "decimel", "unit": "cm", "decimals": 1, "required": true, "hard": [50, 75]`, []string{"m4-exam.json", "height", "decimel"}},
		{"bad json", "m4-exam.json", `"id": "m4-exam",`, `"id": "m4-exam"`, []string{"m4-exam.json", "行目"}},
		{"typo in key", "m4-exam.json", `"gramsAllowed": true`, `"gramAllowed": true`, []string{"m4-exam.json", "gramAllowed"}},
		{"unknown code list", "m4-exam.json", `"codeList": "judgement"`, `"codeList": "judgment"`, []string{"m4-exam.json", "judgement", "judgment"}},
		{"range reversed", "m4-exam.json", `"hard": [3, 12]`, `"hard": [12, 3]`, []string{"m4-exam.json", "最小"}},
		{"rule names missing field", "m4-exam.json", `"judgement": "judgement", "normal": "1"`, `"judgement": "verdict", "normal": "1"`, []string{"m4-exam.json", "rules[0]", "verdict"}},
		{"duplicate header", "m4-exam.json", `"header": "頭囲"`, `"header": "身長"`, []string{"m4-exam.json", "head", "身長"}},
		{"id does not match file", "m4-exam.json", `"id": "m4-exam"`, `"id": "m4exam"`, []string{"m4-exam.json", "m4exam"}},
		{"unknown field set", "m4-exam.json", `{"use": "exam_tail"}`, `{"use": "exam_tails"}`, []string{"m4-exam.json", "exam_tails"}},
		{"confusion to unknown code", "m18-dental-exam.json", `"01": "O1"`, `"01": "O9"`, []string{"m18-dental-exam.json", "caries_type", "O9"}},
		{"alias on two codes", "common.json", `"aliases": ["(±)", "+-", "+/-", "(+-)"]`, `"aliases": ["(±)", "+-", "+/-", "(+-)", "(+)"]`, []string{"y3-exam.json", "urine", "(+)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := broken(t, tt.file, tt.old, tt.new)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}

func TestDetect(t *testing.T) {
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	headerOf := func(id string) []string {
		var h []string
		for _, f := range s.Form(id).Fields {
			h = append(h, f.Header, f.Header+SuffixConfidence)
		}
		return append(h, "ファイル名")
	}
	for _, id := range s.IDs() {
		tied := Tied(s.Candidates(headerOf(id)))
		found := false
		for _, c := range tied {
			found = found || c.Form.ID == id
		}
		if !found {
			t.Errorf("%s not among the best candidates for its own header", id)
		}
		if len(tied) > 1 && !strings.Contains(id, "dental-exam") {
			t.Errorf("%s header is ambiguous: %d forms", id, len(tied))
		}
	}
	// full-width header spelling and an alias still map
	c := s.Form("m4-exam").Map([]string{"宛名Ｎｏ", "体重(kg)", "体重_確信度", "帳票画像"})
	if c.Value[0] != 0 || c.Value[s.Form("m4-exam").Field("weight").Index] != 1 || c.Conf[s.Form("m4-exam").Field("weight").Index] != 2 || c.Meta["帳票画像"] != 3 {
		t.Errorf("mapping %+v", c)
	}
}

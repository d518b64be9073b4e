// Package form owns the definitions of the ten checkup forms: fields, codes,
// ranges and cross-field rules, loaded from data files so that a municipality
// can adjust a form without touching Go code.
package form

import (
	"strings"

	"golang.org/x/text/width"
)

// Type is the kind of value a field holds; it decides how a cell is parsed.
type Type string

// Field types understood by the checker.
const (
	TypeID      Type = "id"      // fixed-length digit string (宛名番号)
	TypeDate    Type = "date"    // era or western date
	TypeInteger Type = "integer" // whole number
	TypeDecimal Type = "decimal" // number with a fixed count of decimals
	TypeCode    Type = "code"    // one value from a code list
	TypeCheck   Type = "check"   // one option of a multi-select item: ○, 1 or blank
	TypeTime    Type = "time"    // HH:MM
	TypeKana    Type = "kana"    // full-width katakana
	TypeText    Type = "text"    // free text
)

func (t Type) valid() bool {
	switch t {
	case TypeID, TypeDate, TypeInteger, TypeDecimal, TypeCode, TypeCheck, TypeTime, TypeKana, TypeText:
		return true
	}
	return false
}

// Numeric reports whether the field holds a number.
func (t Type) Numeric() bool { return t == TypeInteger || t == TypeDecimal }

// Option is one entry of a code list. Aliases are other spellings that mean
// the same code (for example "(-)" for "-" in urine tests).
type Option struct {
	Code    string   `json:"code"`
	Label   string   `json:"label"`
	Aliases []string `json:"aliases,omitempty"`
}

// Field is one column of a form.
type Field struct {
	Key          string            `json:"key"`
	Label        string            `json:"label"`
	Header       string            `json:"header"`
	Aliases      []string          `json:"aliases,omitempty"`
	Type         Type              `json:"type"`
	Unit         string            `json:"unit,omitempty"`
	Decimals     int               `json:"decimals,omitempty"`
	Required     bool              `json:"required,omitempty"`
	Hard         *Range            `json:"hard,omitempty"` // outside: almost surely a misread (error)
	Soft         *Range            `json:"soft,omitempty"` // outside: please confirm (warning)
	Growth       string            `json:"growth,omitempty"`
	GramsAllowed bool              `json:"gramsAllowed,omitempty"`
	CodeList     string            `json:"codeList,omitempty"`
	Options      []Option          `json:"options,omitempty"`
	Confusions   map[string]string `json:"confusions,omitempty"` // misread spelling → intended code
	Confidence   int               `json:"confidence,omitempty"` // threshold in percent
	Length       int               `json:"length,omitempty"`     // for TypeID
	Export       bool              `json:"export,omitempty"`
	Use          string            `json:"use,omitempty"` // include a field set from common.json

	// Index is the field's position in its form.
	Index int `json:"-"`

	codes map[string]string // folded spelling (code or alias) → code
}

// Code returns the code that a folded cell value spells, if any.
func (f *Field) Code(folded string) (string, bool) {
	c, ok := f.codes[folded]
	return c, ok
}

// OptionLabel returns the label of a code, or "" when the code is unknown.
func (f *Field) OptionLabel(code string) string {
	for _, o := range f.Options {
		if o.Code == code {
			return o.Label
		}
	}
	return ""
}

// Form is one of the ten paper forms.
type Form struct {
	ID          string   `json:"id"`
	Checkup     string   `json:"checkup"`
	CheckupName string   `json:"checkupName"`
	Kind        string   `json:"kind"`
	Title       string   `json:"title"`
	AgeMonths   [2]int   `json:"ageMonths"` // [from, to): the checkup's age window
	Fields      []*Field `json:"fields"`
	Rules       []Rule   `json:"rules"`
	Export      Export   `json:"export"`
	// DoubleCheck lists the fields a second person checks before submission;
	// empty: 宛名番号, 生年月日, 受診日, 判定 (doublecheck.DefaultKeys).
	DoubleCheck []string `json:"doubleCheck,omitempty"`

	byKey map[string]*Field
}

// Field returns the field with the given key, or nil.
func (f *Form) Field(key string) *Field { return f.byKey[key] }

// Survey reports whether the form is a questionnaire filled in by a parent.
func (f *Form) Survey() bool { return strings.HasSuffix(f.Kind, "survey") }

// Partner reports whether two forms belong to the same checkup, so that a
// 受診票 and its アンケート can be matched row by row.
func (f *Form) Partner(o *Form) bool { return f.Checkup == o.Checkup && f.ID != o.ID }

// Export is the layout of the import file the health management system
// reads for this form. Its exact layout is vendor-specific, so it is data.
type Export struct {
	DateFormat string         `json:"dateFormat,omitempty"` // "yyyymmdd" (default), "yyyy/mm/dd" or "yyyy-mm-dd"
	Columns    []ExportColumn `json:"columns,omitempty"`    // none: every field, in form order
}

// ExportColumn is one column of the import file.
type ExportColumn struct {
	Header string            `json:"header"`
	Field  string            `json:"field"`
	Codes  map[string]string `json:"codes,omitempty"` // our code → the vendor's code
}

// Rule is a cross-field check, parameterised by data. Which members matter
// depends on Type; Load checks that the ones needed are there.
type Rule struct {
	Type string `json:"type"`
	Use  string `json:"use,omitempty"`

	// judgement: any abnormal finding with judgement == normal is a warning.
	Judgement string              `json:"judgement,omitempty"`
	Normal    string              `json:"normal,omitempty"`
	Abnormal  map[string][]string `json:"abnormal,omitempty"`

	// requires: if field If holds a code in In, Then is expected (Required: must);
	// if If holds another code, Then should be blank.
	If       string   `json:"if,omitempty"`
	In       []string `json:"in,omitempty"`
	Then     string   `json:"then,omitempty"`
	Required bool     `json:"required,omitempty"`

	// exclusive: Only excludes every field in Fields.
	Fields []string `json:"fields,omitempty"`
	Only   string   `json:"only,omitempty"`

	// dental: tooth counts and caries type agree.
	Present   string   `json:"present,omitempty"`
	Untreated string   `json:"untreated,omitempty"`
	Treated   string   `json:"treated,omitempty"`
	Caries    string   `json:"caries,omitempty"`
	NoCaries  []string `json:"noCaries,omitempty"`

	// bodyratio (Kaup index range) and obesity (written vs computed 肥満度).
	Height    string  `json:"height,omitempty"`
	Weight    string  `json:"weight,omitempty"`
	Sex       string  `json:"sex,omitempty"`
	Obesity   string  `json:"obesity,omitempty"`
	Tolerance float64 `json:"tolerance,omitempty"`
	Range     *Range  `json:"range,omitempty"`
}

// Rule types.
const (
	RuleJudgement = "judgement"
	RuleRequires  = "requires"
	RuleExclusive = "exclusive"
	RuleDental    = "dental"
	RuleBodyRatio = "bodyratio"
	RuleObesity   = "obesity"
)

// Fold is the spelling-insensitive form used to compare headers and codes:
// full-width ASCII folded to half-width, surrounding and inner spaces removed.
func Fold(s string) string {
	plain := true // the common case: nothing to fold, so no allocation
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c >= 0xEF { // 0xEF leads U+F000–U+FFFF (full/half-width forms)
			plain = false
			break
		} else if c >= 0xE3 && i+2 < len(s) && s[i:i+3] == "\u3000" {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	s = width.Fold.String(s)
	if strings.ContainsAny(s, " \t\u3000") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\u3000' {
				return -1
			}
			return r
		}, s)
	}
	return s
}

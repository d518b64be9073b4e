package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"kenshin/assets"
)

// DefinitionError says which definition file, and which field in it, is broken.
type DefinitionError struct {
	File  string
	Field string
	Msg   string
}

func (e *DefinitionError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("帳票定義 %s の項目「%s」: %s", e.File, e.Field, e.Msg)
	}
	return fmt.Sprintf("帳票定義 %s: %s", e.File, e.Msg)
}

// Set is every loaded form plus the reference data the checks need.
type Set struct {
	Forms  []*Form
	Growth *Growth
	byID   map[string]*Form
}

// Form returns the form with the given ID, or nil.
func (s *Set) Form(id string) *Form { return s.byID[id] }

// IDs lists the form IDs in load order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.Forms))
	for i, f := range s.Forms {
		ids[i] = f.ID
	}
	return ids
}

type common struct {
	ExportDateFormat  string              `json:"exportDateFormat"`
	DefaultConfidence int                 `json:"defaultConfidence"`
	IDLength          int                 `json:"idLength"`
	CodeLists         map[string][]Option `json:"codeLists"`
	FieldSets         map[string][]*Field `json:"fieldSets"`
	RuleSets          map[string][]Rule   `json:"ruleSets"`
}

const commonFile = "common.json"

// Default loads the definitions embedded in the binary.
func Default() (*Set, error) {
	forms, err := fs.Sub(assets.Forms, "forms")
	if err != nil {
		return nil, err
	}
	ref, err := fs.Sub(assets.Reference, "reference")
	if err != nil {
		return nil, err
	}
	return Load(forms, ref)
}

// Load reads common.json and every other *.json in forms as a form definition,
// and growth.json from ref. Every problem is a *DefinitionError.
func Load(forms, ref fs.FS) (*Set, error) {
	growth, err := loadGrowth(ref)
	if err != nil {
		return nil, err
	}
	var c common
	if err := decodeFile(forms, commonFile, &c); err != nil {
		return nil, err
	}
	if c.DefaultConfidence <= 0 || c.DefaultConfidence > 100 {
		return nil, &DefinitionError{File: commonFile, Msg: "defaultConfidence は 1〜100 で指定してください"}
	}
	if c.IDLength <= 0 {
		return nil, &DefinitionError{File: commonFile, Msg: "idLength は 1 以上で指定してください"}
	}
	names, err := fs.Glob(forms, "*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	set := &Set{Growth: growth, byID: map[string]*Form{}}
	for _, name := range names {
		if name == commonFile {
			continue
		}
		var f Form
		if err := decodeFile(forms, name, &f); err != nil {
			return nil, err
		}
		if err := f.resolve(name, &c, growth); err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); f.ID != want {
			return nil, &DefinitionError{File: name, Msg: fmt.Sprintf("id %q はファイル名 %q と一致しません", f.ID, want)}
		}
		set.Forms = append(set.Forms, &f)
		set.byID[f.ID] = &f
	}
	if len(set.Forms) == 0 {
		return nil, &DefinitionError{File: "forms/", Msg: "帳票定義が1つもありません"}
	}
	return set, nil
}

func decodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return &DefinitionError{File: name, Msg: "読み込めません: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &DefinitionError{File: name, Msg: "JSON として読めません: " + jsonErrorAt(b, err)}
	}
	return nil
}

// jsonErrorAt adds the line of a syntax or type error, which encoding/json
// reports only as a byte offset.
func jsonErrorAt(b []byte, err error) string {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = e.Offset
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 || off > int64(len(b)) {
		return err.Error()
	}
	line := bytes.Count(b[:off], []byte("\n")) + 1
	return fmt.Sprintf("%d 行目: %v", line, err)
}

// resolve expands field and rule sets, fills defaults and checks the form.
func (f *Form) resolve(file string, c *common, g *Growth) error {
	bad := func(field, format string, a ...any) error {
		return &DefinitionError{File: file, Field: field, Msg: fmt.Sprintf(format, a...)}
	}
	if f.ID == "" || f.Title == "" || f.Checkup == "" {
		return bad("", "id, title, checkup は必須です")
	}
	if f.AgeMonths[0] < 0 || f.AgeMonths[1] <= f.AgeMonths[0] {
		return bad("", "ageMonths [開始, 終了) が不正です: %v", f.AgeMonths)
	}
	var fields []*Field
	for _, fd := range f.Fields {
		if fd.Use == "" {
			fields = append(fields, fd)
			continue
		}
		set, ok := c.FieldSets[fd.Use]
		if !ok {
			return bad(fd.Use, "common.json に項目セット %q がありません", fd.Use)
		}
		for _, s := range set {
			cp := *s
			fields = append(fields, &cp)
		}
	}
	f.Fields = fields
	f.byKey = make(map[string]*Field, len(fields))
	headers := map[string]string{}
	for i, fd := range fields {
		fd.Index = i
		name := fd.Key
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
			return bad(name, "key がありません")
		}
		if _, dup := f.byKey[fd.Key]; dup {
			return bad(name, "key が重複しています")
		}
		f.byKey[fd.Key] = fd
		if fd.Label == "" || fd.Header == "" {
			return bad(name, "label と header は必須です")
		}
		if !fd.Type.valid() {
			return bad(name, "型 %q は不明です (id, date, integer, decimal, code, check, time, kana, text)", fd.Type)
		}
		for _, h := range append([]string{fd.Header}, fd.Aliases...) {
			k := Fold(h)
			if other, dup := headers[k]; dup {
				return bad(name, "列名 %q は項目「%s」と重複しています", h, other)
			}
			headers[k] = fd.Key
		}
		if fd.Confidence == 0 {
			fd.Confidence = c.DefaultConfidence
		}
		if fd.Confidence < 0 || fd.Confidence > 100 {
			return bad(name, "confidence は 0〜100 で指定してください")
		}
		if fd.Type == TypeID && fd.Length == 0 {
			fd.Length = c.IDLength
		}
		if fd.Decimals < 0 || fd.Decimals > 4 || (fd.Decimals > 0 && fd.Type != TypeDecimal) {
			return bad(name, "decimals は decimal 型で 0〜4 です")
		}
		if fd.Hard != nil && fd.Soft != nil && (fd.Soft.Min < fd.Hard.Min || fd.Soft.Max > fd.Hard.Max) && fd.Type != TypeTime {
			return bad(name, "soft の範囲は hard の範囲の内側にしてください")
		}
		if (fd.Hard != nil || fd.Soft != nil) && !fd.Type.Numeric() && fd.Type != TypeTime {
			return bad(name, "範囲 (hard/soft) は数値・時刻の項目だけに指定できます")
		}
		if fd.Growth != "" {
			if !fd.Type.Numeric() {
				return bad(name, "growth は数値の項目だけに指定できます")
			}
			if !g.Has(fd.Growth) {
				return bad(name, "発育基準 %q が growth.json にありません", fd.Growth)
			}
		}
		if fd.Type == TypeCode {
			if len(fd.Options) == 0 && fd.CodeList != "" {
				list, ok := c.CodeLists[fd.CodeList]
				if !ok {
					return bad(name, "コード表 %q が common.json にありません", fd.CodeList)
				}
				fd.Options = list
			}
			if len(fd.Options) == 0 {
				return bad(name, "コード型にはコード表 (codeList か options) が必要です")
			}
			fd.codes = map[string]string{}
			for _, o := range fd.Options {
				if o.Code == "" {
					return bad(name, "空のコードがあります")
				}
				for _, s := range append([]string{o.Code, o.Label}, o.Aliases...) {
					k := Fold(s)
					if prev, dup := fd.codes[k]; dup && prev != o.Code {
						return bad(name, "表記 %q が複数のコード (%s, %s) に当たっています", s, prev, o.Code)
					}
					fd.codes[k] = o.Code
				}
			}
			for from, to := range fd.Confusions {
				if _, ok := fd.codes[Fold(to)]; !ok {
					return bad(name, "confusions の %q → %q: %q はコード表にありません", from, to, to)
				}
			}
		} else if len(fd.Options) > 0 || fd.CodeList != "" || len(fd.Confusions) > 0 {
			return bad(name, "コード表はコード型の項目だけに指定できます")
		}
	}
	for _, k := range []string{KeyAtena, KeyBirth, KeyExamDate} {
		if f.byKey[k] == nil {
			return bad(k, "すべての帳票に必要な項目がありません")
		}
	}
	var rules []Rule
	for _, r := range f.Rules {
		if r.Use == "" {
			rules = append(rules, r)
			continue
		}
		set, ok := c.RuleSets[r.Use]
		if !ok {
			return bad("rules", "common.json に規則セット %q がありません", r.Use)
		}
		rules = append(rules, set...)
	}
	f.Rules = rules
	for i, r := range f.Rules {
		if err := f.checkRule(r); err != "" {
			return bad(fmt.Sprintf("rules[%d] (%s)", i, r.Type), "%s", err)
		}
	}
	if f.Export.DateFormat == "" {
		f.Export.DateFormat = c.ExportDateFormat
	}
	switch f.Export.DateFormat {
	case "", "yyyymmdd", "yyyy/mm/dd", "yyyy-mm-dd":
	default:
		return bad("export", "dateFormat %q は yyyymmdd・yyyy/mm/dd・yyyy-mm-dd のいずれかです", f.Export.DateFormat)
	}
	if len(f.Export.Columns) == 0 {
		for _, fd := range fields {
			f.Export.Columns = append(f.Export.Columns, ExportColumn{Header: fd.Header, Field: fd.Key})
		}
	}
	for i, col := range f.Export.Columns {
		if f.byKey[col.Field] == nil || col.Header == "" {
			return bad(fmt.Sprintf("export.columns[%d]", i), "header と、この帳票にある field が必要です（%q）", col.Field)
		}
	}
	return nil
}

// Keys every form has; the built-in date and identity checks use them.
const (
	KeyAtena    = "atena_no"
	KeyKana     = "kana_name"
	KeyBirth    = "birth_date"
	KeySex      = "sex"
	KeyExamDate = "exam_date"
	KeyVenue    = "venue"
)

func (f *Form) checkRule(r Rule) string {
	need := func(keys ...string) string {
		for _, k := range keys {
			if k == "" {
				return "必要な項目名が指定されていません"
			}
			if f.byKey[k] == nil {
				return fmt.Sprintf("項目 %q がこの帳票にありません", k)
			}
		}
		return ""
	}
	switch r.Type {
	case RuleJudgement:
		if len(r.Abnormal) == 0 || r.Normal == "" {
			return "abnormal と normal が必要です"
		}
		keys := []string{r.Judgement}
		for k := range r.Abnormal {
			keys = append(keys, k)
		}
		return need(keys...)
	case RuleRequires:
		if len(r.In) == 0 {
			return "in が必要です"
		}
		return need(r.If, r.Then)
	case RuleExclusive:
		return need(append([]string{r.Only}, r.Fields...)...)
	case RuleDental:
		return need(r.Present, r.Untreated, r.Treated, r.Caries)
	case RuleBodyRatio:
		if r.Range == nil {
			return "range が必要です"
		}
		return need(r.Height, r.Weight)
	case RuleObesity:
		if r.Tolerance <= 0 {
			return "tolerance が必要です"
		}
		return need(r.Height, r.Weight, r.Sex, r.Obesity)
	}
	return fmt.Sprintf("規則の型 %q は不明です", r.Type)
}

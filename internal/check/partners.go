package check

import (
	"kenshin/internal/batch"
	"kenshin/internal/form"
	"kenshin/internal/jpdate"
	"kenshin/internal/normalize"
)

// Partners compares the 受診票 and the アンケート of one checkup, matched by
// 宛名番号: the same child must have the same 生年月日 and 受診日 on both, and
// a sheet without a partner hints at a misread number. It returns the
// findings for each side.
func Partners(a *Checker, sa Source, b *Checker, sb Source) (fa, fb []batch.Finding) {
	index := func(k *Checker, s Source) map[string]int {
		m := make(map[string]int, s.Len())
		for i := 0; i < s.Len(); i++ {
			if id := normalize.ReadID(s.Value(i, k.atena)).Digits; id != "" {
				if _, dup := m[id]; !dup {
					m[id] = i
				}
			}
		}
		return m
	}
	ia, ib := index(a, sa), index(b, sb)
	missing := func(k *Checker, s Source, own, other map[string]int, otherForm *form.Form) []batch.Finding {
		var out []batch.Finding
		for id, i := range own {
			if _, ok := other[id]; !ok {
				out = append(out, batch.Finding{Row: i + 1, Line: s.Line(i), Field: k.atena, Severity: batch.Warning, Code: CodePartnerMissing,
					Message: msg("宛名番号 %s の%sが見つかりません。番号の読み誤りか、用紙の不足を確認してください", id, otherForm.Title)})
			}
		}
		return out
	}
	fa = missing(a, sa, ia, ib, b.form)
	fb = missing(b, sb, ib, ia, a.form)
	for id, i := range ia {
		j, ok := ib[id]
		if !ok {
			continue
		}
		for _, key := range []string{form.KeyBirth, form.KeyExamDate} {
			fA, fB := a.form.Field(key), b.form.Field(key)
			pa := jpdate.Parse(sa.Value(i, fA.Index), jpdate.Reiwa)
			pb := jpdate.Parse(sb.Value(j, fB.Index), jpdate.Reiwa)
			if pa.Problem != jpdate.OK || pb.Problem != jpdate.OK || pa.Date == pb.Date {
				continue
			}
			text := msg("宛名番号 %s の%sが受診票とアンケートで違います（%s / %s）", id, fA.Label, pa.Date.Japanese(), pb.Date.Japanese())
			fa = append(fa, batch.Finding{Row: i + 1, Line: sa.Line(i), Field: fA.Index, Severity: batch.Warning, Code: CodePartnerMismatch, Message: text})
			fb = append(fb, batch.Finding{Row: j + 1, Line: sb.Line(j), Field: fB.Index, Severity: batch.Warning, Code: CodePartnerMismatch, Message: text})
		}
	}
	sortFindings(fa)
	sortFindings(fb)
	return fa, fb
}

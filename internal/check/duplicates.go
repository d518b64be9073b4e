package check

import (
	"kenshin/internal/batch"
	"kenshin/internal/normalize"
)

// Duplicates returns the batch-level findings about 宛名番号 seen twice.
func (k *Checker) Duplicates(src Source) []batch.Finding { return k.duplicates(src, nil) }

// duplicates flags a 宛名番号 that appears on more than one row of the batch:
// one child has one checkup of a kind, so the second sheet is either a
// double scan or a misread number.
func (k *Checker) duplicates(src Source, out []batch.Finding) []batch.Finding {
	first := make(map[string]int, src.Len())
	rows := map[string][]int{}
	ids := make([]string, src.Len())
	for i := range ids {
		id := normalize.ReadID(src.Value(i, k.atena)).Digits
		ids[i] = id
		if id == "" {
			continue
		}
		if j, seen := first[id]; seen {
			if len(rows[id]) == 0 {
				rows[id] = []int{j}
			}
			rows[id] = append(rows[id], i)
		} else {
			first[id] = i
		}
	}
	for i, id := range ids {
		dup := rows[id]
		if len(dup) == 0 {
			continue
		}
		var others []int
		for _, j := range dup {
			if j != i {
				others = append(others, src.Line(j))
			}
		}
		out = append(out, batch.Finding{Row: i + 1, Line: src.Line(i), Field: k.atena, Severity: batch.Error, Code: CodeDuplicateID,
			Message: msg("宛名番号 %s が %s 行目にもあります。二重の読み取りか、番号の読み誤りを確認してください", id, lineList(others))})
	}
	return out
}

func lineList(lines []int) string {
	s := ""
	for i, l := range lines {
		if i > 0 {
			s += "・"
		}
		s += msg("%d", l)
	}
	return s
}

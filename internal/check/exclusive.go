package check

import (
	"math"
	"math/bits"

	"kenshin/internal/batch"
	"kenshin/internal/form"
)

// Marks beside an exclusive option (「いずれにも該当しない」). domain.md §3:
// a multi-select box holds ○, 1 or blank, and the usual misread is a box
// read as marked. When the exclusive box and other boxes are marked
// together, which marks are the misreads? Each reading of the paper (the
// exclusive box alone, or some set of the other boxes, or none) is weighed
// by how often sheets are answered that way, times the chance of the
// misreads it needs (p per box read as marked). A box is asked about when
// its share of that weight, the chance it is a misread, reaches warnAt:
// the same bar as any other suspicion. The answer shares and p come from
// the batch itself (its consistent sheets, and how often a single stray
// mark stands beside the exclusive box); a small batch leans on defaults.
type exclusivePrior struct {
	only float64   // share of sheets with only the exclusive box marked
	set  []float64 // set[n]: share of sheets with one given set of n other boxes marked
	p    float64   // chance that a blank box is read as marked
}

// Defaults for a batch too small to tell, as pseudo-counts: the sheets of
// a questionnaire about rare harmful events mostly tick the exclusive box;
// some leave the item blank (無回答), fewer report one event, and fewer
// still several. A mark reader gets about 98 boxes in 100 right.
const (
	exclPseudoSheets = 20  // weight of the default answer shares, in sheets
	exclPseudoBoxes  = 100 // weight of the default p, in boxes
	exclDefaultP     = 0.02
	exclMinP         = 0.001
	exclMaxP         = 0.2
)

// exclDefaultShares: only the exclusive box; none; one, two, three or more
// events (all sets of that size together).
var exclDefaultShares = struct{ only, none, one, two, more float64 }{0.8, 0.1, 0.07, 0.02, 0.01}

// learnExclusive learns the priors of every exclusive rule from the rows
// learnPriors samples.
func (c *Checker) learnExclusive(src Source, step int) {
	c.excl = map[string]*exclusivePrior{}
	for _, r := range c.form.Rules {
		if r.Type != form.RuleExclusive {
			continue
		}
		only := c.form.Field(r.Only)
		others := make([]*form.Field, len(r.Fields))
		for i, key := range r.Fields {
			others[i] = c.form.Field(key)
		}
		m := len(others)
		onlyN, stray1 := 0, 0
		setN := make([]int, m+1)
		for i := 0; i < src.Len(); i += step {
			o := answer(only, src.Value(i, only.Index))
			if o == "\x00" {
				continue
			}
			n, bad := 0, false
			for _, fd := range others {
				switch answer(fd, src.Value(i, fd.Index)) {
				case "1":
					n++
				case "\x00":
					bad = true
				}
			}
			switch {
			case bad:
			case o == "1" && n == 0:
				onlyN++
			case o == "1" && n == 1:
				stray1++
			case o == "":
				setN[n]++
			}
		}
		pr := exclPrior(m, onlyN, stray1, setN)
		c.excl[r.Only] = pr
	}
}

// exclPrior turns the counts of a batch (sheets with only the exclusive
// box, with one stray mark beside it, with n other boxes) into priors,
// leaning on the defaults as pseudo-counts.
func exclPrior(m, onlyN, stray1 int, setN []int) *exclusivePrior {
	sheets := onlyN
	for _, k := range setN {
		sheets += k
	}
	d := exclDefaultShares
	def := func(n int) float64 {
		switch n {
		case 0:
			return d.none
		case 1:
			return d.one
		case 2:
			return d.two
		}
		return d.more / float64(max(1, m-2)) // spread over the larger sizes
	}
	total := float64(sheets + exclPseudoSheets)
	pr := &exclusivePrior{only: (float64(onlyN) + exclPseudoSheets*d.only) / total, set: make([]float64, m+1)}
	for n := range setN {
		pr.set[n] = (float64(setN[n]) + exclPseudoSheets*def(n)) / total / binomial(m, n)
	}
	// a stray mark beside the exclusive box: p for each of the m others
	pr.p = (float64(stray1) + exclPseudoBoxes*exclDefaultP) / (float64(onlyN*m) + exclPseudoBoxes)
	pr.p = min(exclMaxP, max(exclMinP, pr.p))
	return pr
}

func binomial(n, k int) float64 {
	b := 1.0
	for i := 1; i <= k; i++ {
		b = b * float64(n-k+i) / float64(i)
	}
	return b
}

// exclusive checks one exclusive rule on the current row.
func (k *Checker) exclusive(r form.Rule, out []batch.Finding) []batch.Finding {
	f := k.form
	pr := k.excl[r.Only]
	if pr == nil { // no batch learnt: the defaults alone
		pr = exclPrior(len(r.Fields), 0, 0, make([]int, len(r.Fields)+1))
	}
	// box 0 is the exclusive one; a box that is neither blank nor a mark
	// (●, junk) may be either
	boxes := [1 + 32]int{f.Field(r.Only).Index}
	m := min(len(r.Fields), 32)
	for i := 0; i < m; i++ {
		boxes[1+i] = f.Field(r.Fields[i]).Index // #nosec G602 -- i < m ≤ 32: 1+i < len(boxes)
	}
	var marked, unknown uint64
	for b := 0; b <= m; b++ {
		c := &k.cells[boxes[b]]
		switch {
		case c.usable && c.checked:
			marked |= 1 << b
		case !c.blank && !c.usable:
			unknown |= 1 << b
		}
	}
	if (marked|unknown)&1 == 0 || marked&^1 == 0 {
		return out // no contradiction possible
	}
	cand := marked | unknown
	if bits.OnesCount64(cand) > 12 {
		return out // a sheet this scribbled over has its own findings
	}
	var post [1 + 32]float64
	sum := 0.0
	// every reading of the paper: a subset t of the boxes that show
	// something
	for t := cand; ; t = (t - 1) & cand {
		prior := 0.0
		switch {
		case t == 1:
			prior = pr.only
		case t&1 == 0:
			prior = pr.set[bits.OnesCount64(t)]
		}
		if prior > 0 {
			misread := marked &^ t
			w := prior * math.Pow(pr.p, float64(bits.OnesCount64(misread)))
			sum += w
			for b := misread; b != 0; b &= b - 1 {
				post[bits.TrailingZeros64(b)] += w
			}
		}
		if t == 0 {
			break
		}
	}
	if sum == 0 {
		return out
	}
	best := -1
	for b := 0; b <= m; b++ {
		if marked&(1<<b) != 0 && (best < 0 || post[b] > post[best]) { // #nosec G602 -- best ≥ 0 when read
			best = b
		}
	}
	text := msg("「%s」と他の選択肢が同時に選ばれています", f.Field(r.Only).Label)
	if marked&1 == 0 {
		text = msg("「%s」が読み取れないまま他の選択肢に印があります。「%s」に印があれば矛盾します", f.Field(r.Only).Label, f.Field(r.Only).Label)
	}
	// the likeliest misread first, then every other box likely enough
	ask := func(b int) {
		var related []int
		for o := 0; o <= m; o++ {
			if o != b && cand&(1<<o) != 0 {
				related = append(related, boxes[o])
			}
		}
		out = append(out, batch.Finding{Field: boxes[b], Related: related, Severity: batch.Warning, Code: CodeExclusive, Message: text,
			Score: max(0.01, math.Round(post[b]/sum*100)/100)})
	}
	ask(best)
	for b := 0; b <= m; b++ {
		if b != best && marked&(1<<b) != 0 && post[b]/sum >= warnAt {
			ask(b)
		}
	}
	return out
}

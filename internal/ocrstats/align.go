package ocrstats

// MaxAlign is the longest text aligned character by character; longer
// corrections (free text) count as rewrites.
const MaxAlign = 40

type pair struct{ from, to string }

// aligner keeps its table between calls: the trail has many cells.
type aligner struct {
	d   []int
	out []pair
}

// align lines OCR text up with the final text and returns the character
// substitutions, insertions and deletions. Equal lengths compare position
// by position (the usual misread: one character for another); otherwise a
// Levenshtein alignment finds the fewest edits. It refuses (ok false) when
// the texts share too little for character misreads to mean anything:
// more edits than half the longer text (one edit is always allowed, so
// a one-character 判定 read as 7 instead of 1 counts).
func (a *aligner) align(ocr, final []rune) (edits []pair, ok bool) {
	a.out = a.out[:0]
	if len(ocr) > MaxAlign || len(final) > MaxAlign {
		return nil, false
	}
	if len(ocr) == len(final) {
		for i := range ocr {
			if ocr[i] != final[i] {
				a.out = append(a.out, pair{string(ocr[i]), string(final[i])})
			}
		}
		return a.out, len(a.out) <= limit(len(ocr))
	}
	n, m := len(ocr), len(final)
	w := m + 1
	if cap(a.d) < (n+1)*w {
		a.d = make([]int, (n+1)*w)
	}
	d := a.d[:(n+1)*w]
	for i := 0; i <= n; i++ {
		d[i*w] = i
	}
	for j := 0; j <= m; j++ {
		d[j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			sub := d[(i-1)*w+j-1]
			if ocr[i-1] != final[j-1] {
				sub++
			}
			d[i*w+j] = min(sub, d[(i-1)*w+j]+1, d[i*w+j-1]+1)
		}
	}
	if d[n*w+m] > limit(max(n, m)) {
		return nil, false
	}
	// Walk back from the end, preferring a match or substitution.
	for i, j := n, m; i > 0 || j > 0; {
		switch {
		case i > 0 && j > 0 && d[i*w+j] == d[(i-1)*w+j-1]+b2i(ocr[i-1] != final[j-1]):
			if ocr[i-1] != final[j-1] {
				a.out = append(a.out, pair{string(ocr[i-1]), string(final[j-1])})
			}
			i, j = i-1, j-1
		case i > 0 && d[i*w+j] == d[(i-1)*w+j]+1:
			a.out = append(a.out, pair{string(ocr[i-1]), ""})
			i--
		default:
			a.out = append(a.out, pair{"", string(final[j-1])})
			j--
		}
	}
	return a.out, true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// limit is the most edits a text of n characters may need to count as misreads.
func limit(n int) int { return max(1, n/2) }

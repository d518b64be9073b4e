package ui

import (
	"encoding/binary"

	"golang.org/x/image/font/sfnt"
)

// thickenLowLines makes the low line glyphs (_ and ＿) of a TrueType font
// thick enough to see. BIZ UDGothic draws them 51/2048 em thick, under a
// third of a pixel at the table's text size, so file names like
// 「m4_exam.csv」 showed as 「m4 exam.csv」. The glyph's top edge is raised
// in a copy of the font; any font whose glyphs are not the plain
// four-point rectangle this expects is returned unchanged.
func thickenLowLines(ttf []byte) []byte {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		return ttf
	}
	tables := map[string][2]uint32{}
	if len(ttf) < 12 {
		return ttf
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(ttf) {
			return ttf
		}
		tables[string(ttf[rec:rec+4])] = [2]uint32{binary.BigEndian.Uint32(ttf[rec+8:]), binary.BigEndian.Uint32(ttf[rec+12:])}
	}
	head, hok := tables["head"]
	loca, lok := tables["loca"]
	glyf, gok := tables["glyf"]
	if !hok || !lok || !gok || int(head[0])+52 > len(ttf) {
		return ttf
	}
	long := binary.BigEndian.Uint16(ttf[head[0]+50:]) == 1
	out := append([]byte(nil), ttf...)
	var b sfnt.Buffer
	upm := int(f.UnitsPerEm())
	for _, r := range []rune{'_', '＿'} {
		gi, err := f.GlyphIndex(&b, r)
		if err != nil || gi == 0 {
			continue
		}
		var off uint32
		if long {
			p := loca[0] + 4*uint32(gi)
			if int(p)+4 > len(ttf) {
				continue
			}
			off = binary.BigEndian.Uint32(ttf[p:])
		} else {
			p := loca[0] + 2*uint32(gi)
			if int(p)+2 > len(ttf) {
				continue
			}
			off = 2 * uint32(binary.BigEndian.Uint16(ttf[p:]))
		}
		thicken(out, int(glyf[0]+off), upm/16)
	}
	return out
}

// thicken raises the top of a one-contour, four-point glyph whose points
// have 1-byte y deltas, by up to add units.
func thicken(ttf []byte, g, add int) {
	if g+10 > len(ttf) || binary.BigEndian.Uint16(ttf[g:]) != 1 { // numberOfContours
		return
	}
	yMin, yMax := fword(ttf[g+4:]), fword(ttf[g+8:])
	p := g + 10
	if p+4 > len(ttf) || binary.BigEndian.Uint16(ttf[p:]) != 3 { // endPtsOfContours[0]: four points
		return
	}
	p += 2
	ins := int(binary.BigEndian.Uint16(ttf[p:]))
	p += 2 + ins
	// flags, no repeats expected
	if p+4 > len(ttf) {
		return
	}
	flags := ttf[p : p+4]
	for _, fl := range flags {
		if fl&0x08 != 0 { // repeat flag: not the simple rectangle
			return
		}
	}
	p += 4
	for _, fl := range flags { // skip x coordinates
		switch {
		case fl&0x02 != 0:
			p++
		case fl&0x10 == 0:
			p += 2
		}
	}
	// y coordinates: walk, noting each point's y and where its byte is
	y := 0
	type pt struct{ y, at, flag int }
	var pts []pt
	for i, fl := range flags {
		switch {
		case fl&0x04 != 0: // 1-byte delta, sign in 0x20
			if p >= len(ttf) {
				return
			}
			d := int(ttf[p])
			if fl&0x20 == 0 {
				d = -d
			}
			y += d
			pts = append(pts, pt{y, p, g + 10 + 4 + ins + i})
			p++
		case fl&0x20 != 0: // same y as the point before
			pts = append(pts, pt{y, -1, -1})
		default:
			return // 2-byte deltas: leave the glyph alone
		}
	}
	if len(pts) != 4 || yMax-yMin <= 0 || yMax-yMin >= add {
		return
	}
	raise := add - (yMax - yMin)
	// the new deltas, from the raised top edge; give up if one does not
	// fit the encoding the glyph has
	prev := 0
	deltas := make([]int, len(pts))
	for i, q := range pts {
		ny := q.y
		if ny == yMax {
			ny += raise
		}
		deltas[i] = ny - prev
		prev = ny
		if q.at < 0 && deltas[i] != 0 || deltas[i] < -255 || deltas[i] > 255 {
			return
		}
	}
	for i, q := range pts {
		if q.at < 0 {
			continue
		}
		d := deltas[i]
		if d < 0 {
			ttf[q.flag] &^= 0x20
			d = -d
		} else {
			ttf[q.flag] |= 0x20
		}
		ttf[q.at] = byte(d & 0xFF) // #nosec G115 -- 0..255, checked above
	}
	binary.BigEndian.PutUint16(ttf[g+8:], uint16(int16(yMax+raise))) // #nosec G115 -- font units fit int16
}

// fword reads a signed 16-bit font unit.
func fword(b []byte) int {
	v := int(binary.BigEndian.Uint16(b))
	if v >= 1<<15 {
		v -= 1 << 16
	}
	return v
}

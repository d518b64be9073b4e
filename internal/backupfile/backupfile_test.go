package backupfile

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

var pass = []byte("テスト用のパスフレーズ")

func init() { writeLogN = 10 } // tests: the cheapest cost the reader accepts

func data(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3 * chunkSize, 3*chunkSize + 17} {
		in := data(n)
		// written in odd pieces, read in odd pieces
		var file bytes.Buffer
		w, err := NewWriter(&file, pass)
		if err != nil {
			t.Fatal(err)
		}
		for rest := in; len(rest) > 0; {
			k := min(len(rest), 1000+len(rest)%7919)
			if _, err := w.Write(rest[:k]); err != nil {
				t.Fatal(err)
			}
			rest = rest[k:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(file.Bytes(), []byte("0123")) && n > 0 && bytes.Contains(file.Bytes(), in[:min(n, 64)]) {
			t.Errorf("%d bytes: plain text visible in the file", n)
		}
		r, err := NewReader(bytes.NewReader(file.Bytes()), pass)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		out, err := io.ReadAll(iotest.OneByteReader(r))
		if err != nil || !bytes.Equal(out, in) {
			t.Errorf("%d bytes: read %d bytes, %v", n, len(out), err)
		}
		// whole-file helpers agree
		if got, err := Open(file.Bytes(), pass); err != nil || !bytes.Equal(got, in) {
			t.Errorf("%d bytes: Open: %v", n, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	file, err := Seal(data(2*chunkSize+100), pass)
	if err != nil {
		t.Fatal(err)
	}
	chunk1 := headerSize + 4 + chunkSize + tagSize
	for _, c := range []struct {
		name string
		file []byte
		pass []byte
		want error
	}{
		{"wrong passphrase", file, []byte("ちがうパスフレーズです"), ErrPassphrase},
		{"not a backup", []byte("宛名番号,氏名\n00000001,ダミー\n" + string(make([]byte, 64))), pass, ErrFormat},
		{"empty", nil, pass, ErrFormat},
		{"future version", edit(file, 9, 2), pass, ErrFormat},
		{"absurd scrypt cost", edit(file, 11, 40), pass, ErrFormat},
		{"salt changed", edit(file, 20, file[20]^1), pass, ErrPassphrase},
		{"header flag changed (authenticated)", edit(file, 33, file[33]^1), pass, ErrPassphrase},
		{"first chunk edited", edit(file, headerSize+100, file[headerSize+100]^1), pass, ErrPassphrase},
		{"second chunk edited", edit(file, chunk1+100, file[chunk1+100]^1), pass, ErrDamaged},
		{"last chunk edited", edit(file, len(file)-1, file[len(file)-1]^1), pass, ErrDamaged},
		{"final chunk dropped", file[:chunk1+4+chunkSize+tagSize], pass, ErrDamaged},
		{"cut inside a chunk", file[:chunk1+500], pass, ErrDamaged},
		{"chunks swapped", swap(file, chunk1), pass, ErrPassphrase},
		{"bytes after the end", append(bytes.Clone(file), 0), pass, ErrDamaged},
		{"length field absurd", edit(file, chunk1, 0xff), pass, ErrDamaged},
	} {
		_, err := Open(c.file, c.pass)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v; want %v", c.name, err, c.want)
		}
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Errorf("%s: %v is not a Japanese *Error", c.name, err)
		}
	}
	if _, err := NewWriter(io.Discard, []byte("short")); err == nil {
		t.Error("a 5-character passphrase was accepted")
	}
	// an unclosed writer leaves a file that reads as truncated
	var b bytes.Buffer
	w, _ := NewWriter(&b, pass)
	_, _ = w.Write(data(3 * chunkSize))
	if _, err := Open(b.Bytes(), pass); !errors.Is(err, ErrDamaged) {
		t.Errorf("unclosed writer: %v; want ErrDamaged", err)
	}
}

func edit(b []byte, i int, v byte) []byte {
	c := bytes.Clone(b)
	c[i] = v
	return c
}

// swap exchanges the first two chunks (both full size).
func swap(b []byte, chunk1 int) []byte {
	c := bytes.Clone(b)
	size := chunk1 - headerSize
	copy(c[headerSize:], b[chunk1:chunk1+size])
	copy(c[chunk1:], b[headerSize:chunk1])
	return c
}

// FuzzReader: no input makes the reader panic, loop or return data that
// was not sealed with the passphrase.
func FuzzReader(f *testing.F) {
	sealed := []byte("宛名番号 00000001")
	good, _ := Seal(sealed, pass) // a new salt in every process: compare contents, not files
	f.Add(good)
	f.Add(good[:headerSize])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Open(b, pass)
		if err == nil && !bytes.Equal(out, sealed) {
			// only what was sealed with pass can come out; the fuzzer cannot forge a chunk
			t.Fatalf("forged input decrypted to %q", out)
		}
	})
}

func BenchmarkWriteRead(b *testing.B) {
	in := data(8 << 20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		f, err := Seal(in, pass)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Open(f, pass); err != nil {
			b.Fatal(err)
		}
	}
}

// Package backupfile is the encrypted envelope of a store backup: whatever
// a backend dumps (the PostgreSQL store's COPY stream, the SQLite store's
// file) goes through a Writer and comes back through a Reader, so a backup
// on a USB stick or a file server is unreadable without its passphrase, and
// any change, reordering or truncation is detected.
//
// File format, version 1 (all integers big-endian):
//
//	offset size  field
//	0      9     magic "KENSHINBK"
//	9      1     format version (1)
//	10     1     KDF (1 = scrypt)
//	11     1     scrypt log2(N) (10..20; written: 15)
//	12     1     scrypt r (1..16; written: 8)
//	13     1     scrypt p (1..4; written: 1)
//	14     16    salt (random)
//	30     7     nonce prefix (random)
//	37     …     chunks
//
// The key is scrypt(passphrase, salt, N, r, p, 32 bytes), used with
// AES-256-GCM. Each chunk is a 4-byte ciphertext length followed by the
// ciphertext of at most 64 KiB of data (+16 bytes tag). Chunk i is sealed
// with the nonce prefix ‖ uint32(i) ‖ last-flag (1 on the final chunk, 0
// before) and the 37 header bytes as additional data: a changed header,
// a swapped, dropped or edited chunk, a truncated file or bytes after the
// final chunk all fail. There is always a final chunk, possibly empty.
package backupfile

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/scrypt"
)

const (
	magic      = "KENSHINBK"
	version    = 1
	kdfScrypt  = 1
	headerSize = 37
	chunkSize  = 64 << 10
	tagSize    = 16
	// MinPassphrase is the shortest passphrase accepted for writing.
	MinPassphrase = 8
)

// scrypt cost written into new files (N = 2^15: about 0.1 s and 32 MiB).
var writeLogN, writeR, writeP byte = 15, 8, 1

// Errors a Reader returns (wrapped, with a Japanese message).
var (
	ErrFormat     = errors.New("backupfile: not a Kenshin backup or unknown version")
	ErrPassphrase = errors.New("backupfile: wrong passphrase or damaged file")
	ErrDamaged    = errors.New("backupfile: damaged or truncated")
)

// Error is a failure with a Japanese message.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return "バックアップファイル: " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

func deriveAEAD(pass, salt []byte, logN, r, p byte) (cipher.AEAD, error) {
	key, err := scrypt.Key(pass, salt, 1<<logN, int(r), int(p), 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func nonce(prefix []byte, i uint32, last bool) []byte {
	n := make([]byte, 12)
	copy(n, prefix[:7])
	binary.BigEndian.PutUint32(n[7:], i)
	if last {
		n[11] = 1
	}
	return n
}

// Writer encrypts a backup. Close writes the final chunk: a backup not
// closed is detected as truncated.
type Writer struct {
	w      io.Writer
	aead   cipher.AEAD
	header []byte
	buf    []byte
	n      uint32
	closed bool
	err    error
}

// NewWriter writes the header to w and returns the encrypting writer.
func NewWriter(w io.Writer, passphrase []byte) (*Writer, error) {
	if len([]rune(string(passphrase))) < MinPassphrase {
		return nil, &Error{Msg: fmt.Sprintf("パスフレーズは %d 文字以上にしてください", MinPassphrase)}
	}
	h := make([]byte, headerSize)
	copy(h, magic)
	h[9], h[10], h[11], h[12], h[13] = version, kdfScrypt, writeLogN, writeR, writeP
	if _, err := rand.Read(h[14:37]); err != nil {
		return nil, err
	}
	aead, err := deriveAEAD(passphrase, h[14:30], writeLogN, writeR, writeP)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(h); err != nil {
		return nil, err
	}
	return &Writer{w: w, aead: aead, header: h, buf: make([]byte, 0, chunkSize)}, nil
}

// Write buffers p, sealing every full chunk.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, errors.New("backupfile: write after close")
	}
	n := 0
	for len(p) > 0 {
		// a full chunk is sealed only once more data follows, so the last
		// chunk always carries the final flag
		if len(w.buf) == chunkSize {
			if err := w.seal(false); err != nil {
				return n, err
			}
		}
		k := min(len(p), chunkSize-len(w.buf))
		w.buf = append(w.buf, p[:k]...)
		p, n = p[k:], n+k
	}
	return n, nil
}

func (w *Writer) seal(last bool) error {
	if w.n == ^uint32(0) {
		w.err = errors.New("backupfile: too many chunks")
		return w.err
	}
	ct := w.aead.Seal(nil, nonce(w.header[30:37], w.n, last), w.buf, w.header)
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(ct))) // #nosec G115 -- at most chunkSize+tagSize
	if _, err := w.w.Write(l[:]); err != nil {
		w.err = err
		return err
	}
	if _, err := w.w.Write(ct); err != nil {
		w.err = err
		return err
	}
	w.n++
	w.buf = w.buf[:0]
	return nil
}

// Close seals the final chunk. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	if w.err != nil {
		return w.err
	}
	w.closed = true
	return w.seal(true)
}

// Reader decrypts a backup, failing on any damage.
type Reader struct {
	r      io.Reader
	aead   cipher.AEAD
	header []byte
	n      uint32
	plain  []byte
	done   bool
	err    error
}

// NewReader reads the header, derives the key and decrypts the first
// chunk, so a wrong passphrase is reported here and not halfway through.
func NewReader(r io.Reader, passphrase []byte) (*Reader, error) {
	h := make([]byte, headerSize)
	if _, err := io.ReadFull(r, h); err != nil {
		return nil, &Error{Msg: "Kenshin Review のバックアップではないか、途中で切れています", Err: ErrFormat}
	}
	if string(h[:9]) != magic {
		return nil, &Error{Msg: "Kenshin Review のバックアップではありません", Err: ErrFormat}
	}
	if h[9] != version || h[10] != kdfScrypt {
		return nil, &Error{Msg: fmt.Sprintf("この版のアプリでは読めない形式です（形式 %d）。アプリを更新してください", h[9]), Err: ErrFormat}
	}
	logN, rr, p := h[11], h[12], h[13]
	if logN < 10 || logN > 20 || rr < 1 || rr > 16 || p < 1 || p > 4 {
		return nil, &Error{Msg: "鍵の設定が範囲外です（壊れているか、別のプログラムのファイルです）", Err: ErrFormat}
	}
	aead, err := deriveAEAD(passphrase, h[14:30], logN, rr, p)
	if err != nil {
		return nil, err
	}
	br := &Reader{r: r, aead: aead, header: h}
	if err := br.next(); err != nil {
		if errors.Is(err, ErrDamaged) && br.n == 0 {
			return nil, &Error{Msg: "パスフレーズが違うか、ファイルが壊れています", Err: ErrPassphrase}
		}
		return nil, err
	}
	return br, nil
}

// next decrypts the following chunk into plain.
func (r *Reader) next() error {
	var l [4]byte
	if _, err := io.ReadFull(r.r, l[:]); err != nil {
		return &Error{Msg: "途中で切れています（最後まで書かれていません）", Err: ErrDamaged}
	}
	n := binary.BigEndian.Uint32(l[:])
	if n < tagSize || n > chunkSize+tagSize {
		return &Error{Msg: "壊れています（区切りが正しくありません）", Err: ErrDamaged}
	}
	ct := make([]byte, n)
	if _, err := io.ReadFull(r.r, ct); err != nil {
		return &Error{Msg: "途中で切れています", Err: ErrDamaged}
	}
	for _, last := range []bool{false, true} {
		pt, err := r.aead.Open(ct[:0:0], nonce(r.header[30:37], r.n, last), ct, r.header)
		if err != nil {
			continue
		}
		r.plain, r.n = pt, r.n+1
		if last {
			r.done = true
			// nothing may follow the final chunk
			var one [1]byte
			if k, _ := io.ReadFull(r.r, one[:]); k > 0 {
				return &Error{Msg: "最後の区切りの後に余分なデータがあります", Err: ErrDamaged}
			}
		}
		return nil
	}
	return &Error{Msg: fmt.Sprintf("壊れています（%d 番目の区切りが改ざんまたは破損しています）", r.n+1), Err: ErrDamaged}
}

// Read returns decrypted data; io.EOF only after the final chunk.
func (r *Reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		if err := r.next(); err != nil {
			r.err = err
			return 0, err
		}
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// Seal is a whole backup in memory (small backups and tests).
func Seal(data, passphrase []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := NewWriter(&b, passphrase)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Open is Seal's inverse.
func Open(file, passphrase []byte) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(file), passphrase)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

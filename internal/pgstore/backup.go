package pgstore

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"kenshin/internal/audit"
	"kenshin/internal/backupfile"
)

// A backup is a logical dump the program restores itself (no pg_dump
// needed on a clerk's PC): every table's COPY text in dependency order, read
// in one repeatable-read snapshot, framed and encrypted by backupfile.
//
// Inside the envelope, a sequence of frames: 1 byte kind, 4 bytes length
// (big-endian), payload. 'H' header (JSON Manifest without counts), then
// per table 'T' name, 'D' COPY data chunks, 'E' row count (JSON); then 'M'
// the manifest (JSON: counts and audit chain head) and 'Z' the end.

// Manifest describes a backup.
type Manifest struct {
	Format   string           `json:"format"`
	Version  int              `json:"version"`
	Schema   int              `json:"schema"`
	Created  time.Time        `json:"created"`
	Location string           `json:"location"`
	Counts   map[string]int64 `json:"counts,omitempty"`
	Head     audit.Head       `json:"head"`
}

const (
	backupFormat  = "kenshin-pg-backup"
	backupVersion = 1
	frameMax      = 1 << 20
)

// orderBy is each table's key, so a dump is in a stable order.
var orderBy = map[string]string{
	"batches": "id", "records": "id", "trail": "id", "decisions": "id", "exports": "id",
	"users": "name", "audit": "seq", "pending_checks": "batch_key", "audit_key": "id",
}

// identity tables get their sequence set past the restored ids.
var identity = []string{"batches", "records", "trail", "decisions", "exports"}

type frameWriter struct {
	w *bufio.Writer
}

func (f *frameWriter) frame(kind byte, p []byte) error {
	var h [5]byte
	h[0] = kind
	binary.BigEndian.PutUint32(h[1:], uint32(len(p))) // #nosec G115 -- frames are at most frameMax
	if _, err := f.w.Write(h[:]); err != nil {
		return err
	}
	_, err := f.w.Write(p)
	return err
}

func (f *frameWriter) json(kind byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return f.frame(kind, b)
}

// Write makes COPY output into 'D' frames.
func (f *frameWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), frameMax)
		if err := f.frame('D', p[:k]); err != nil {
			return 0, err
		}
		p = p[k:]
	}
	return n, nil
}

// Backup writes an encrypted dump of the whole store to w, from one
// consistent snapshot (submits may go on meanwhile).
func (s *Store) Backup(ctx context.Context, w io.Writer, passphrase []byte) (Manifest, error) {
	m := Manifest{Format: backupFormat, Version: backupVersion, Schema: SchemaVersion(), Created: time.Now().UTC(), Location: s.loc, Counts: map[string]int64{}}
	enc, err := backupfile.NewWriter(w, passphrase)
	if err != nil {
		return m, err
	}
	bw := bufio.NewWriterSize(enc, 256<<10)
	fw := &frameWriter{w: bw}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return m, s.wrap("サーバーに接続できません", err)
	}
	defer conn.Release()
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := fw.json('H', m); err != nil {
			return err
		}
		for _, t := range Tables {
			if err := fw.frame('T', []byte(t)); err != nil {
				return err
			}
			q := fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY %s) TO STDOUT", pgx.Identifier{t}.Sanitize(), orderBy[t])
			tag, err := tx.Conn().PgConn().CopyTo(ctx, fw, q)
			if err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			m.Counts[t] = tag.RowsAffected()
			if err := fw.json('E', tag.RowsAffected()); err != nil {
				return err
			}
		}
		last, err := (&tx2{tx}).lastAudit(ctx)
		if err != nil {
			return err
		}
		m.Head = audit.HeadOf(last)
		if err := fw.json('M', m); err != nil {
			return err
		}
		return fw.frame('Z', nil)
	})
	if err != nil {
		return m, s.wrap("バックアップを作れません", err)
	}
	if err := bw.Flush(); err != nil {
		return m, s.wrap("バックアップを書けません", err)
	}
	if err := enc.Close(); err != nil {
		return m, s.wrap("バックアップを書けません", err)
	}
	return m, nil
}

// tx2 reads the audit tail inside a raw pgx transaction.
type tx2 struct{ tx pgx.Tx }

func (t *tx2) lastAudit(ctx context.Context) (*audit.Event, error) {
	e, err := scanAudit(t.tx.QueryRow(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq DESC LIMIT 1`))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return &e, err
}

type frameReader struct {
	r   *bufio.Reader
	buf []byte
}

func (f *frameReader) next() (byte, []byte, error) {
	var h [5]byte
	if _, err := io.ReadFull(f.r, h[:]); err != nil {
		return 0, nil, fmt.Errorf("バックアップの中身が途中で切れています: %w", err)
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n > frameMax {
		return 0, nil, errors.New("バックアップの中身が壊れています（区切りが大きすぎます）")
	}
	if cap(f.buf) < int(n) {
		f.buf = make([]byte, n)
	}
	f.buf = f.buf[:n]
	if _, err := io.ReadFull(f.r, f.buf); err != nil {
		return 0, nil, fmt.Errorf("バックアップの中身が途中で切れています: %w", err)
	}
	return h[0], f.buf, nil
}

func (f *frameReader) expect(kind byte) ([]byte, error) {
	k, p, err := f.next()
	if err != nil {
		return nil, err
	}
	if k != kind {
		return nil, fmt.Errorf("バックアップの中身が壊れています（%q の位置に %q）", kind, k)
	}
	return p, nil
}

// tableData feeds one table's 'D' frames to COPY FROM, ending at 'E'.
type tableData struct {
	f    *frameReader
	rest []byte
	rows int64
	done bool
	err  error
}

func (d *tableData) Read(p []byte) (int, error) {
	for len(d.rest) == 0 {
		if d.done {
			return 0, io.EOF
		}
		k, b, err := d.f.next()
		if err != nil {
			d.err = err
			return 0, err
		}
		switch k {
		case 'D':
			d.rest = b
		case 'E':
			if err := json.Unmarshal(b, &d.rows); err != nil {
				d.err = err
				return 0, err
			}
			d.done = true
		default:
			d.err = fmt.Errorf("バックアップの中身が壊れています（表の途中に %q）", k)
			return 0, d.err
		}
	}
	n := copy(p, d.rest)
	d.rest = d.rest[n:]
	return n, nil
}

// restore loads a backup into the (migrated, empty) schema conn reaches,
// in one transaction, and checks it against the manifest: every table's
// row count, the audit chain head, and the chain itself with the restored
// key. Nothing stays if anything fails.
func restore(ctx context.Context, conn *pgx.Conn, r io.Reader, passphrase []byte) (Manifest, error) {
	var m Manifest
	dec, err := backupfile.NewReader(r, passphrase)
	if err != nil {
		return m, err
	}
	f := &frameReader{r: bufio.NewReaderSize(dec, 256<<10)}
	h, err := f.expect('H')
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(h, &m); err != nil || m.Format != backupFormat {
		return m, errors.New("PostgreSQL の中央データのバックアップではありません")
	}
	if m.Version != backupVersion || m.Schema != SchemaVersion() {
		return m, fmt.Errorf("バックアップの形式（%d、中央データの形式 %d）はこのアプリ（%d、%d）では戻せません", m.Version, m.Schema, backupVersion, SchemaVersion())
	}
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, t := range Tables[:len(Tables)-1] {
			var any bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM "+pgx.Identifier{t}.Sanitize()+")").Scan(&any); err != nil {
				return err
			}
			if any {
				return fmt.Errorf("戻し先の中央データが空ではありません（%s にデータがあります）。新しく作った中央データに戻してください", t)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM audit_key`); err != nil { // Setup made a key of its own
			return err
		}
		got := map[string]int64{}
		for _, want := range Tables {
			name, err := f.expect('T')
			if err != nil {
				return err
			}
			if string(name) != want {
				return fmt.Errorf("バックアップの表の順序が違います（%s の位置に %s）", want, name)
			}
			d := &tableData{f: f}
			tag, err := tx.Conn().PgConn().CopyFrom(ctx, d, "COPY "+pgx.Identifier{want}.Sanitize()+" FROM STDIN")
			if d.err != nil {
				return d.err
			}
			if err != nil {
				return fmt.Errorf("%s: %w", want, err)
			}
			if tag.RowsAffected() != d.rows {
				return fmt.Errorf("%s: %d 行を戻しましたが、バックアップには %d 行とあります", want, tag.RowsAffected(), d.rows)
			}
			got[want] = d.rows
		}
		b, err := f.expect('M')
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		if _, err := f.expect('Z'); err != nil {
			return err
		}
		for _, t := range Tables {
			if got[t] != m.Counts[t] {
				return fmt.Errorf("%s: %d 行を戻しましたが、バックアップ時は %d 行でした", t, got[t], m.Counts[t])
			}
		}
		for _, t := range identity {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE((SELECT max(id) FROM %s), 0) + 1, false)`, t, t)
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return checkChain(ctx, tx, m.Head)
	})
	return m, err
}

// checkChain verifies the restored log with the restored key and compares
// its head with the one written at backup time.
func checkChain(ctx context.Context, tx pgx.Tx, want audit.Head) error {
	var key []byte
	if err := tx.QueryRow(ctx, `SELECT key FROM audit_key WHERE id = 1`).Scan(&key); err != nil {
		return fmt.Errorf("操作記録の鍵がバックアップにありません: %w", err)
	}
	rows, err := tx.Query(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq`)
	if err != nil {
		return err
	}
	events, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Event, error) { return scanAudit(r) })
	if err != nil {
		return err
	}
	if p := audit.Verify(key, events); p != nil {
		return fmt.Errorf("戻した操作記録のつながりが壊れています: %w", p)
	}
	var last *audit.Event
	if len(events) > 0 {
		last = &events[len(events)-1]
	}
	if got := audit.HeadOf(last); got != want {
		return fmt.Errorf("戻した操作記録の末尾（%s）がバックアップ時（%s）と違います", got, want)
	}
	return nil
}

// Restore loads a backup into the store at ownerDSN (the owner role: it
// replaces the chain key), migrating it first; the store must be empty.
func Restore(ctx context.Context, ownerDSN string, r io.Reader, passphrase []byte) (Manifest, error) {
	conn, err := pgx.Connect(ctx, ownerDSN)
	if err != nil {
		return Manifest{}, fmt.Errorf("所有者のロールでサーバーに接続できません: %w", redact(err))
	}
	defer func() { _ = conn.Close(ctx) }() // committed or rolled back already
	if err := Migrate(ctx, conn); err != nil {
		return Manifest{}, err
	}
	m, err := restore(ctx, conn, r, passphrase)
	if err != nil {
		return m, fmt.Errorf("バックアップから戻せませんでした（何も変えていません）: %w", err)
	}
	return m, nil
}

// Verify restores a backup into a scratch schema on the server at dsn
// (a role that may create schemas), checks every table's row count and
// the audit chain head against the manifest, and drops the schema again.
func Verify(ctx context.Context, dsn string, r io.Reader, passphrase []byte) (Manifest, error) {
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return Manifest{}, err
	}
	schema := "kenshin_verify_" + hex.EncodeToString(rnd[:])
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return Manifest{}, fmt.Errorf("確認用にサーバーに接続できません: %w", redact(err))
	}
	defer func() { _ = conn.Close(ctx) }()
	id := pgx.Identifier{schema}.Sanitize()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+id); err != nil {
		return Manifest{}, fmt.Errorf("確認用のスキーマを作れません（CREATE 権限のあるロールで実行してください）: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+id+" CASCADE") }() // scratch only
	if _, err := conn.Exec(ctx, "SET search_path TO "+id); err != nil {
		return Manifest{}, err
	}
	if err := Migrate(ctx, conn); err != nil {
		return Manifest{}, err
	}
	m, err := restore(ctx, conn, r, passphrase)
	if err != nil {
		return m, fmt.Errorf("バックアップの確認に失敗しました: %w", err)
	}
	return m, nil
}

// Summary is the manifest in Japanese, for the verify output.
func (m Manifest) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "作成 %s（%s、形式 %d）\n", m.Created.Local().Format("2006-01-02 15:04:05"), m.Location, m.Schema)
	names := make([]string, 0, len(m.Counts))
	for t := range m.Counts {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		fmt.Fprintf(&b, "  %s: %d 行\n", t, m.Counts[t])
	}
	fmt.Fprintf(&b, "操作記録の末尾: %s\n", m.Head)
	return b.String()
}

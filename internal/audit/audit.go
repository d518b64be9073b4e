// Package audit owns the operation log the privacy rules require: every
// access and change, with user, terminal, time and object, chained by hash
// so that an edited, removed or reordered entry is found and named.
package audit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event kinds.
const (
	Login         = "login"
	LoginFailed   = "login_failed"
	Logout        = "logout"
	Lock          = "lock"
	Unlock        = "unlock"
	FileOpened    = "file_opened"
	CellChanged   = "cell_changed"
	Confirmed     = "confirmed"
	Unconfirmed   = "unconfirmed"
	ReportWritten = "report_exported"
	Submitted     = "batch_submitted"
	ImportWritten = "import_exported"
	UserAdded     = "user_added"
	UserPassword  = "user_password"
	UserDisabled  = "user_disabled"
	Denied        = "denied"
	AuditRead     = "audit_read"

	// review tools, deletion and backups
	StatsExported   = "ocr_stats_exported"
	Imported        = "batch_imported"
	Purged          = "records_purged"
	WorkCopyDeleted = "working_copy_deleted"
	AuditReport     = "audit_report_exported"
	CheckStarted    = "double_check_started"
	CheckField      = "double_check_field"
	CheckDecided    = "double_check_decided"
	SampleDrawn     = "audit_sample_drawn"
	Backup          = "store_backup"
	Restored        = "store_restored"
	// Lockout is written with the failed login that locked a user out, in
	// the same transaction, so reports need not read it from message text.
	Lockout = "lockout"
)

// Label is the Japanese name of an event kind.
func Label(kind string) string {
	if l, ok := map[string]string{ // #nosec G101 -- event labels, not credentials
		Login: "ログイン", LoginFailed: "ログイン失敗", Logout: "ログアウト", Lock: "画面ロック", Unlock: "ロック解除",
		FileOpened: "ファイルを開いた", CellChanged: "セルを修正", Confirmed: "読み取りどおりと確認", Unconfirmed: "確認を取り消し",
		ReportWritten: "修正レポート出力", Submitted: "送信", ImportWritten: "取り込みファイル出力",
		UserAdded: "利用者を追加", UserPassword: "パスワード変更", UserDisabled: "利用者を無効化", Denied: "権限のない操作", AuditRead: "操作記録の閲覧",
		StatsExported: "OCR 誤り統計の出力", Imported: "取込済みの記録", Purged: "記録の削除", WorkCopyDeleted: "作業データの削除",
		AuditReport: "操作記録の分析出力", CheckStarted: "ダブルチェック開始", CheckField: "ダブルチェック", CheckDecided: "ダブルチェックの判断",
		SampleDrawn: "抜き取り確認", Backup: "バックアップ", Restored: "復元", Lockout: "ロックアウト",
	}[kind]; ok {
		return l
	}
	return kind
}

// Event is one log entry. Object names what was touched by identifiers only
// (file hash, row, field, 宛名番号), never a whole record.
type Event struct {
	Seq      int64
	At       time.Time
	User     string
	Terminal string
	Kind     string
	Object   string
	Detail   string
	Prev     string // hash of the entry before; Genesis for the first
	Hash     string
	// SpoolID is set on an entry a terminal spooled locally and shipped
	// later: At is then when the clerk acted, Arrived when the central
	// store took it (the chain is in arrival order), and the central store
	// takes a spool id once only. Both are empty on entries written
	// centrally at the time of the action.
	SpoolID string
	Arrived time.Time
}

// Genesis is the Prev of the first entry.
var Genesis = strings.Repeat("0", 64)

// Digest is the keyed hash (HMAC-SHA256) an entry must carry, given its
// content and Prev. The key lives apart from the log, so whoever can edit
// the log's rows cannot compute a valid hash for an edited entry.
func (e *Event) Digest(key []byte) string {
	h := hmac.New(sha256.New, key)
	var n [8]byte
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.User, e.Terminal, e.Kind, e.Object, e.Detail, e.Prev} {
		// Each field is preceded by its length, so no text inside a field
		// (a separator byte included) can move bytes from one field into
		// the next under the same hash.
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	if e.SpoolID != "" {
		// Only shipped entries carry these, so every entry sealed before
		// they existed keeps its hash; stripping the spool id from a
		// shipped entry changes its digest.
		for _, f := range []string{"spool", e.SpoolID, e.Arrived.UTC().Format(time.RFC3339Nano)} {
			binary.BigEndian.PutUint64(n[:], uint64(len(f)))
			h.Write(n[:])
			h.Write([]byte(f))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets Seq, Prev and Hash of e as the entry after last (nil: the first).
func Seal(key []byte, last *Event, e *Event) {
	e.Seq, e.Prev = 1, Genesis
	if last != nil {
		e.Seq, e.Prev = last.Seq+1, last.Hash
	}
	e.Hash = e.Digest(key)
}

// NewKey makes a fresh random chain key.
func NewKey() ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("audit: make key: %w", err)
	}
	return k, nil
}

// Head is the end of the chain: how many entries, and the last one's hash.
// Printed on every report, export and verification, it lets anyone compare
// a later log with an earlier printout: a deleted tail shows as a smaller
// count or another hash.
type Head struct {
	Count int64
	Hash  string
}

// HeadOf is the head of a log whose last entry is last (nil: empty).
func HeadOf(last *Event) Head {
	if last == nil {
		return Head{Hash: Genesis}
	}
	return Head{Count: last.Seq, Hash: last.Hash}
}

// String is "N:HASH", the form `audit verify --expect` reads.
func (h Head) String() string { return fmt.Sprintf("%d:%s", h.Count, h.Hash) }

// ParseHead reads "N:HASH"; HASH may be shortened to a prefix of 8 or more.
func ParseHead(s string) (Head, error) {
	n, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	c, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || c < 0 || len(hash) < 8 || len(hash) > 64 {
		return Head{}, fmt.Errorf("「%s」は 件数:ハッシュ（例 120:3fa2b9c1…）の形ではありません", s)
	}
	if _, err := hex.DecodeString(hash[:len(hash)/2*2]); err != nil {
		return Head{}, fmt.Errorf("「%s」のハッシュは 16 進数ではありません", s)
	}
	return Head{Count: c, Hash: strings.ToLower(hash)}, nil
}

// ErrHeadMismatch: the log does not reach the head printed earlier.
var ErrHeadMismatch = errors.New("audit: head mismatch")

// Contains checks that the log (all its entries, in order) still holds an
// earlier head: entry want.Count exists and carries want.Hash.
func Contains(events []Event, want Head) error {
	if want.Count == 0 {
		return nil
	}
	if int64(len(events)) < want.Count {
		return fmt.Errorf("%w: 以前は %d 件ありましたが、いまは %d 件です（末尾が削除されています）", ErrHeadMismatch, want.Count, len(events))
	}
	e := events[want.Count-1]
	if e.Seq != want.Count || !strings.HasPrefix(e.Hash, want.Hash) {
		return fmt.Errorf("%w: %d 番の記録が以前の控え（%s）と一致しません", ErrHeadMismatch, want.Count, want.Hash)
	}
	return nil
}

// Problem is the first place the chain is broken.
type Problem struct {
	Seq int64  // the entry where it shows
	Msg string // Japanese
}

func (p *Problem) Error() string { return fmt.Sprintf("操作記録 %d 番: %s", p.Seq, p.Msg) }

// Verify walks the log in stored order and returns the first break, or nil.
// An edited entry fails its own hash; a removed one leaves a gap in the
// numbers and a broken link; a moved one breaks the order and the link.
func Verify(key []byte, events []Event) *Problem {
	present := make(map[int64]bool, len(events))
	for _, e := range events {
		present[e.Seq] = true
	}
	prev := Event{Seq: 0, Hash: Genesis}
	for i := range events {
		e := &events[i]
		switch {
		case !hmac.Equal([]byte(e.Hash), []byte(e.Digest(key))):
			return &Problem{e.Seq, "内容が書き換えられています（ハッシュが一致しません）"}
		case e.Seq <= prev.Seq:
			return &Problem{e.Seq, fmt.Sprintf("順序が入れ替えられています（%d 番の後にあります）", prev.Seq)}
		case e.Seq > prev.Seq+1 && present[prev.Seq+1]:
			return &Problem{e.Seq, fmt.Sprintf("順序が入れ替えられています（%d 番より前にあります）", prev.Seq+1)}
		case e.Seq > prev.Seq+1:
			return &Problem{e.Seq, fmt.Sprintf("%d 番から %d 番が削除されています", prev.Seq+1, e.Seq-1)}
		case e.Prev != prev.Hash:
			return &Problem{e.Seq, "前の記録とのつながりが壊れています（削除・差し替えの可能性）"}
		}
		prev = *e
	}
	return nil
}

// Filter selects log entries; zero values select all.
type Filter struct {
	User     string
	Kind     string
	From, To time.Time // To is exclusive
}

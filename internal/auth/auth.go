// Package auth owns who may do what: named users with roles, passwords
// hashed with argon2id, a minimum length, lockout after repeated failures
// with a timed release, and the permission of each protected action.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Roles. A user may hold several (an admin who is also a clerk).
const (
	Clerk      = "clerk"      // 入力担当: open, correct, submit, export the report
	Supervisor = "supervisor" // 確認者: a clerk's work plus overriding and the import file
	Admin      = "admin"      // 管理者: users and settings; no health data by itself
)

// RoleLabel is the Japanese name of a role.
func RoleLabel(r string) string {
	switch r {
	case Clerk:
		return "入力担当"
	case Supervisor:
		return "確認者"
	case Admin:
		return "管理者"
	}
	return r
}

// Action is a protected operation.
type Action string

// Protected actions.
const (
	OpenFile     Action = "open_file"
	EditCell     Action = "edit_cell"
	ExportReport Action = "export_report"
	Submit       Action = "submit"
	Override     Action = "override"
	ExportImport Action = "export_import"
	ManageUsers  Action = "manage_users"
	ReadAudit    Action = "read_audit"
	// Review tools (issue 13).
	OCRStats       Action = "ocr_stats"
	MarkImported   Action = "mark_imported"
	Purge          Action = "purge"
	AuditReport    Action = "audit_report"
	DoubleCheck    Action = "double_check"
	DecideMismatch Action = "decide_mismatch"
)

var allowed = map[Action][]string{
	OpenFile:     {Clerk, Supervisor},
	EditCell:     {Clerk, Supervisor},
	ExportReport: {Clerk, Supervisor},
	Submit:       {Clerk, Supervisor},
	ExportImport: {Supervisor}, // the import file holds every record of a period: not a clerk's task
	Override:     {Supervisor},
	ManageUsers:  {Admin},
	ReadAudit:    {Admin},
	// the statistics cover every batch of a period (identifiers only, but
	// the whole centre's work): the supervisor's, as the import file
	OCRStats:     {Supervisor},
	MarkImported: {Supervisor},
	Purge:        {Supervisor},
	// the monthly log review: the admin reads the log already; the
	// supervisor may too, so that an admin's own user changes are
	// reviewed by someone else (the report holds no health data)
	AuditReport:    {Admin, Supervisor},
	DoubleCheck:    {Clerk, Supervisor},
	DecideMismatch: {Supervisor},
}

// ActionLabel is the Japanese name of an action, for refusals.
func ActionLabel(a Action) string {
	return map[Action]string{
		OpenFile: "ファイルを開く", EditCell: "修正・確認", ExportReport: "修正レポート出力", Submit: "送信",
		Override: "エラーを残した送信の承認", ExportImport: "取り込みファイル出力", ManageUsers: "利用者の管理", ReadAudit: "操作記録の閲覧",
		OCRStats: "読み取り誤りの統計", MarkImported: "取込済みの記録", Purge: "記録の削除", AuditReport: "操作記録の分析レポート",
		DoubleCheck: "ダブルチェック", DecideMismatch: "ダブルチェックの不一致の判断",
	}[a]
}

// User is a named account.
type User struct {
	Name        string
	Roles       []string
	Hash        string // argon2id, PHC string
	Disabled    bool
	Failures    int       // consecutive failed logins
	LockedUntil time.Time // zero: not locked
	CreatedAt   time.Time
}

// Can reports whether u may do a.
func (u *User) Can(a Action) bool {
	for _, r := range allowed[a] {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}

// ErrDenied is a refused action.
var ErrDenied = errors.New("auth: not allowed")

// Check returns a Japanese refusal when u may not do a.
func Check(u *User, a Action) error {
	if u != nil && u.Can(a) {
		return nil
	}
	who := "ログインしていない利用者"
	if u != nil {
		who = fmt.Sprintf("「%s」（%s）", u.Name, roleList(u.Roles))
	}
	return fmt.Errorf("%w: %sには「%s」の権限がありません", ErrDenied, who, ActionLabel(a))
}

func roleList(rs []string) string {
	var out []string
	for _, r := range rs {
		out = append(out, RoleLabel(r))
	}
	return strings.Join(out, "・")
}

// ParseRoles reads "clerk", "admin,clerk" …
func ParseRoles(s string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r != Clerk && r != Supervisor && r != Admin {
			return nil, fmt.Errorf("役割「%s」は clerk・supervisor・admin のいずれかです", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// Policy sets the password and lockout rules.
type Policy struct {
	MinLength   int           // characters
	MaxFailures int           // consecutive failures before a lock
	LockFor     time.Duration // how long a lock lasts
}

// DefaultPolicy: 10 characters, locked for 15 minutes after 5 failures.
var DefaultPolicy = Policy{MinLength: 10, MaxFailures: 5, LockFor: 15 * time.Minute}

// CheckPassword enforces the policy on a new password.
func (p Policy) CheckPassword(name, pw string) error {
	if utf8.RuneCountInString(pw) < p.MinLength {
		return fmt.Errorf("パスワードは %d 文字以上にしてください", p.MinLength)
	}
	if strings.EqualFold(pw, name) {
		return errors.New("利用者名と同じパスワードは使えません")
	}
	return nil
}

// argon2id parameters (RFC 9106's second recommendation, memory-hard).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// Hash returns the argon2id PHC string of a password with a fresh salt.
func Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches a PHC string made by Hash.
func Verify(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want))) // #nosec G115 -- a key length from a PHC string, 32 bytes
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Login errors. The message never says whether the name exists.
var (
	ErrBadLogin = errors.New("利用者名またはパスワードが違います")
	ErrDisabled = errors.New("この利用者は無効になっています。管理者に連絡してください")
)

// LockedError says until when an account is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("ログインの失敗が続いたため %s まで利用できません", e.Until.Local().Format("15:04"))
}

// Attempt applies a login attempt to u at now: it returns the error to
// show, and updates the failure count and lock (the caller saves u).
func (p Policy) Attempt(u *User, pw string, now time.Time) error {
	if u == nil {
		Verify("$argon2id$v=19$m=65536,t=3,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", pw) // same time as a real check
		return ErrBadLogin
	}
	if u.Disabled {
		return ErrDisabled
	}
	if now.Before(u.LockedUntil) {
		return &LockedError{Until: u.LockedUntil}
	}
	return p.Apply(u, Verify(u.Hash, pw), now)
}

// Apply applies a login attempt whose password check gave ok (computed by
// the caller, outside any lock) to u at now, like Attempt.
func (p Policy) Apply(u *User, ok bool, now time.Time) error {
	if u == nil {
		return ErrBadLogin
	}
	if u.Disabled {
		return ErrDisabled
	}
	if now.Before(u.LockedUntil) {
		return &LockedError{Until: u.LockedUntil}
	}
	if !ok {
		u.Failures++
		if u.Failures >= p.MaxFailures {
			u.LockedUntil = now.Add(p.LockFor)
			u.Failures = 0
			return &LockedError{Until: u.LockedUntil}
		}
		return ErrBadLogin
	}
	u.Failures, u.LockedUntil = 0, time.Time{}
	return nil
}

// Package auditreport owns the monthly review of the operation log: logins
// by user and hour, failures and lockouts, actions outside working hours,
// exports, permission refusals, user changes and the chain verification
// result, summed up from audit events for one period.
package auditreport

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"kenshin/internal/audit"
)

// KindLockout is the event kind the application logs, with the failed
// login that caused it, when an account is locked.
const KindLockout = audit.Lockout

// Options for Build.
type Options struct {
	Location    *time.Location // working hours are in this zone; nil: time.Local
	WorkStart   time.Duration  // from midnight; 0 and WorkEnd 0: 8:00–19:00
	WorkEnd     time.Duration
	BulkRecords int                    // an export of at least this many records is bulk; 0: 500
	Lockout     func(audit.Event) bool // nil: IsLockout, or IsLegacyLockout for a log without lockout entries
	Chain       Chain
}

// Chain is the result of verifying the log's hash chain, done by the caller
// over the whole log, not just the period.
type Chain struct {
	Checked bool
	Entries int            // entries verified
	Head    string         // "N:HASH" of the last entry
	Problem *audit.Problem // nil: intact
}

// Text is the Japanese verdict.
func (c Chain) Text() string {
	switch {
	case !c.Checked:
		return "未検証"
	case c.Problem != nil:
		return "異常あり: " + c.Problem.Error()
	}
	return "異常なし（" + strconv.Itoa(c.Entries) + " 件、先頭 " + c.Head + "）"
}

// lockedText is how auth.LockedError begins; a failed login carrying it
// was refused because the account is locked.
const lockedText = "ログインの失敗が続いたため"

// IsLockout says whether an event records an account lockout: its own
// kind. Logs written before that kind existed have none; for them
// IsLegacyLockout reads the failed login refused by the lock, and Build
// uses that only for a period without any lockout entry.
func IsLockout(e audit.Event) bool {
	return e.Kind == KindLockout
}

// IsLegacyLockout is the old reading: a failed login whose message says
// the account is locked.
func IsLegacyLockout(e audit.Event) bool {
	return e.Kind == KindLockout || (e.Kind == audit.LoginFailed && strings.Contains(e.Detail, lockedText))
}

// UserHours counts one user's logins by hour of day.
type UserHours struct {
	User  string
	Hours [24]int
	Total int
}

// Count is a number of events for a name (user or kind).
type Count struct {
	Name string
	N    int
}

// Export is one export event and the records it carried (-1: not stated).
type Export struct {
	Event   audit.Event
	Records int
	Bulk    bool
}

// Report is the analysis of one period.
type Report struct {
	From, To    time.Time // To exclusive
	Location    *time.Location
	WorkStart   time.Duration
	WorkEnd     time.Duration
	Events      int
	Logins      []UserHours // by user name
	LoginHours  [24]int     // all users
	Failures    []Count     // failed logins by user, most first
	Lockouts    []audit.Event
	OffHours    []audit.Event // outside working hours or on a weekend
	Exports     []Export
	Denied      []audit.Event
	UserChanges []audit.Event
	ByKind      []Count // most first
	Users       []Count // events by user, most first
	Chain       Chain
}

// Build analyses the events in [from, to).
func Build(events []audit.Event, from, to time.Time, opt Options) *Report {
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.WorkStart == 0 && opt.WorkEnd == 0 {
		opt.WorkStart, opt.WorkEnd = 8*time.Hour, 19*time.Hour
	}
	if opt.BulkRecords <= 0 {
		opt.BulkRecords = 500
	}
	if opt.Lockout == nil {
		opt.Lockout = IsLegacyLockout
		for _, e := range events {
			if e.Kind == KindLockout {
				opt.Lockout = IsLockout // a log that names lockouts: no guessing
				break
			}
		}
	}
	r := &Report{From: from, To: to, Location: opt.Location, WorkStart: opt.WorkStart, WorkEnd: opt.WorkEnd, Chain: opt.Chain}
	logins := map[string]*UserHours{}
	failures, kinds, users := map[string]int{}, map[string]int{}, map[string]int{}
	for _, e := range events {
		if e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		r.Events++
		kinds[e.Kind]++
		users[e.User]++
		local := e.At.In(opt.Location)
		if !r.Working(local) {
			r.OffHours = append(r.OffHours, e)
		}
		switch e.Kind {
		case audit.Login:
			u := logins[e.User]
			if u == nil {
				u = &UserHours{User: e.User}
				logins[e.User] = u
			}
			u.Hours[local.Hour()]++
			u.Total++
			r.LoginHours[local.Hour()]++
		case audit.LoginFailed:
			failures[e.User]++
		case audit.ImportWritten, audit.ReportWritten:
			n := Records(e.Detail)
			r.Exports = append(r.Exports, Export{Event: e, Records: n, Bulk: n >= opt.BulkRecords})
		case audit.Denied:
			r.Denied = append(r.Denied, e)
		case audit.UserAdded, audit.UserPassword, audit.UserDisabled:
			r.UserChanges = append(r.UserChanges, e)
		}
		if opt.Lockout(e) {
			r.Lockouts = append(r.Lockouts, e)
		}
	}
	for _, u := range logins {
		r.Logins = append(r.Logins, *u)
	}
	slices.SortFunc(r.Logins, func(a, b UserHours) int { return cmp.Compare(a.User, b.User) })
	r.Failures, r.ByKind, r.Users = counts(failures), counts(kinds), counts(users)
	return r
}

// Working says whether a local time falls in working hours on a weekday.
func (r *Report) Working(t time.Time) bool {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	of := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
	return of >= r.WorkStart && of < r.WorkEnd
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name)) })
	return out
}

var recordsRE = regexp.MustCompile(`(?:^|[\s,;])records=(\d{1,9})(?:$|[\s,;])`)

// Records reads the record count an export event states ("records=120
// filter=…"), or -1 when it states none.
func Records(detail string) int {
	m := recordsRE.FindStringSubmatch(detail)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return -1
	}
	return n
}

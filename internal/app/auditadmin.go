package app

import (
	"context"
	"fmt"
	"time"

	"kenshin/internal/audit"
	"kenshin/internal/auth"
	"kenshin/internal/jpdate"
)

// AuditList reads the log, filtered; the reading is itself logged in the
// same transaction.
func (a *App) AuditList(ctx context.Context, s *Session, f audit.Filter) ([]audit.Event, audit.Head, error) {
	var out []audit.Event
	var h audit.Head
	err := a.updateAs(ctx, s, auth.ReadAudit, func(tx Tx) error {
		var err error
		if out, err = tx.Audit(ctx, f); err != nil {
			return err
		}
		h, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.AuditRead, "list",
			fmt.Sprintf("user=%s event=%s from=%s to=%s", f.User, f.Kind, stamp(f.From), stamp(f.To))})
		return err
	})
	return out, h, err
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// Verification is the state of the log.
type Verification struct {
	Count   int
	Head    audit.Head
	Problem *audit.Problem // the first break of the chain, nil: intact
	Expect  error          // the earlier head given is not in the log
	Damage  []string       // the storage check's findings
}

// OK is true when nothing at all was found.
func (v Verification) OK() bool { return v.Problem == nil && v.Expect == nil && len(v.Damage) == 0 }

// AuditVerify checks the storage (quick_check) and the keyed chain, and
// that an earlier printed head (expect, nil: none) is still in the log.
func (a *App) AuditVerify(ctx context.Context, s *Session, expect *audit.Head) (Verification, error) {
	var v Verification
	if err := a.allow(ctx, s, auth.ReadAudit); err != nil {
		return v, err
	}
	key, err := a.chainKey(ctx)
	if err != nil {
		return v, err
	}
	if v.Damage, err = a.Store.Check(ctx, false); err != nil || len(v.Damage) > 0 {
		return v, err
	}
	err = a.update(ctx, func(tx Tx) error {
		v = Verification{}
		// The log is verified as found, before this verification's own
		// entry is sealed onto it: an entry appended first would re-link a
		// truncated tail and change the count the check reports.
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		v.Count, v.Problem = len(all), audit.Verify(key, all)
		v.Head = audit.HeadOf(nil)
		if len(all) > 0 {
			v.Head = audit.HeadOf(&all[len(all)-1])
		}
		if expect != nil {
			v.Expect = audit.Contains(all, *expect)
		}
		_, err = a.appendAudit(ctx, tx, entry{s.name(), s.terminal(), audit.AuditRead, "verify", ""})
		return err
	})
	return v, err
}

// StoreCheck is the administrator's full check of a store.
type StoreCheck struct {
	Damage  []string
	Counts  map[string]int64
	Head    audit.Head
	Problem *audit.Problem
}

// OK is true for a sound store with an intact log.
func (c StoreCheck) OK() bool { return len(c.Damage) == 0 && c.Problem == nil }

// CheckStore runs integrity_check, counts the rows and verifies the audit
// chain. It reads only (no login, so nothing is written into a store that
// may be damaged) and shows no health data.
func (a *App) CheckStore(ctx context.Context) (StoreCheck, error) {
	var c StoreCheck
	var err error
	if c.Damage, err = a.Store.Check(ctx, true); err != nil || len(c.Damage) > 0 {
		return c, err
	}
	if c.Counts, err = a.Store.Counts(ctx); err != nil {
		return c, err
	}
	key, err := a.chainKey(ctx)
	if err != nil {
		return c, err
	}
	err = a.Store.View(ctx, func(tx Tx) error {
		all, err := tx.Audit(ctx, audit.Filter{})
		if err != nil {
			return err
		}
		c.Problem = audit.Verify(key, all)
		if len(all) > 0 {
			c.Head = audit.HeadOf(&all[len(all)-1])
		} else {
			c.Head = audit.HeadOf(nil)
		}
		return nil
	})
	return c, err
}

// ParseDay reads one date as a clerk types it (2025-04-01, R7.4.1 …).
func ParseDay(s string) (jpdate.Date, error) {
	p := jpdate.Parse(s, jpdate.Reiwa)
	if p.Problem != jpdate.OK {
		return jpdate.Date{}, fmt.Errorf("日付「%s」を読めません（例 2025-04-01、R7.4.1）", s)
	}
	return p.Date, nil
}

// DateRange reads an inclusive range of 受診日 into ISO dates ("" open).
func DateRange(from, to string) (string, string, error) {
	var out [2]string
	for i, in := range []string{from, to} {
		if in == "" {
			continue
		}
		d, err := ParseDay(in)
		if err != nil {
			return "", "", err
		}
		out[i] = d.String()
	}
	return out[0], out[1], nil
}

// TimeRange reads an inclusive range of days into [from, to) instants in loc.
func TimeRange(from, to string, loc *time.Location) (time.Time, time.Time, error) {
	var out [2]time.Time
	for i, in := range []string{from, to} {
		if in == "" {
			continue
		}
		d, err := ParseDay(in)
		if err != nil {
			return out[0], out[1], err
		}
		if i == 1 {
			d = d.AddDays(1)
		}
		out[i] = time.Date(d.Y, time.Month(d.M), d.D, 0, 0, 0, 0, loc)
	}
	return out[0], out[1], nil
}

package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"kenshin/internal/app"
	"kenshin/internal/auth"
)

// outboxRetry is how often the waiting batches are sent again, only while
// there are some (no timer otherwise: the idle CPU budget).
var outboxRetry = 60 * time.Second

// outbox is where batches wait when the server cannot be reached: the
// working copy's database (nil: no outbox, a submit simply fails).
func (w *Workbench) outbox() app.OutboxStore {
	ob, _ := w.deps.Workspace.(app.OutboxStore)
	return ob
}

// background runs work off the UI goroutine and what it returns back on
// it. Tests replace it (Fyne's test driver has no UI goroutine).
func (w *Workbench) background(work func() (then func())) {
	if w.runSync {
		work()()
		return
	}
	go func() {
		then := work()
		fyne.Do(then)
	}()
}

// refreshOutbox shows 「送信待ち N 件」 and runs the retry timer exactly
// while the list is not empty.
func (w *Workbench) refreshOutbox() {
	ob := w.outbox()
	n := 0
	if ob != nil && w.deps.App != nil {
		ws, err := app.Outbox(context.Background(), ob)
		if err != nil {
			w.setMessage("送信待ちの一覧を読めません: " + ErrorText(err))
		}
		n = len(ws)
	}
	w.outboxN = n
	w.auditN = w.unsentAudit()
	defer w.relayoutStatus()
	var parts []string
	if n > 0 {
		parts = append(parts, fmt.Sprintf("送信待ち %d 件", n))
	}
	if w.auditN > 0 {
		parts = append(parts, fmt.Sprintf("操作記録 未送信 %d 件", w.auditN))
	}
	w.outboxLabel.SetText(strings.Join(parts, "　"))
	if len(parts) > 0 {
		w.outboxLabel.Show()
	} else {
		w.outboxLabel.Hide()
	}
	waiting := n > 0 || w.auditN > 0
	switch {
	case waiting && w.retryStop == nil:
		stop := make(chan struct{})
		w.retryStop = stop
		go func() {
			t := time.NewTicker(outboxRetry)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					fyne.Do(w.retryTick)
				}
			}
		}()
	case !waiting && w.retryStop != nil:
		close(w.retryStop)
		w.retryStop = nil
	}
}

// retryTick is the timer's try: quiet. The app's shipper sends the audit
// entries by itself; the tick only shows how many still wait.
func (w *Workbench) retryTick() {
	if w.outboxN > 0 {
		w.sendOutbox(true)
		return
	}
	w.refreshOutbox()
}

// unsentAudit counts the audit entries of this terminal's review that the
// shipper could not send yet. It asks only while the server is unreachable
// or the last shipment failed: while the server answers, entries wait for
// milliseconds and a count would only flicker.
func (w *Workbench) unsentAudit() int {
	a := w.deps.App
	if a == nil || (!a.Offline() && a.ShipError() == nil) {
		return 0
	}
	n, err := a.PendingAudit(context.Background())
	if err != nil {
		return 0 // the count is only shown; the entries stay in the working copy
	}
	return n
}

// auditChanged updates the count after a change when the shipper is
// failing (the server went away during review), starting the timer that
// shows the count falling once the server is back.
func (w *Workbench) auditChanged() {
	if a := w.deps.App; a == nil || (w.auditN == 0 && !a.Offline() && a.ShipError() == nil) {
		return // the common case: two atomic loads, no query
	}
	w.refreshOutbox()
}

// sendOutbox sends the waiting batches as the logged-in user. quiet (the
// timer): nothing is asked or shown unless something was delivered or
// refused; an unreachable server stays quiet either way. The network work
// runs off the UI goroutine.
func (w *Workbench) sendOutbox(quiet bool) {
	ob := w.outbox()
	if ob == nil || w.deps.App == nil || w.session == nil || w.locked || w.sending {
		return
	}
	if quiet && (w.user == nil || !w.user.Can(auth.Submit)) {
		return // the timer never asks the gate: it would log a refusal every minute
	}
	w.sending = true
	a, s, ws := w.deps.App, w.session, w.deps.Workspace
	done := func(rep app.SendReport, err error) {
		w.sending = false
		w.sent(rep, err, quiet)
	}
	w.background(func() func() {
		rep, err := a.SendOutbox(context.Background(), s, ob, ws)
		return func() { done(rep, err) }
	})
}

// sent reports what a send of the outbox did.
func (w *Workbench) sent(rep app.SendReport, err error, quiet bool) {
	w.refreshOutbox()
	var msg []string
	if n := len(rep.Delivered) + len(rep.Already); n > 0 {
		msg = append(msg, fmt.Sprintf("送信待ちの %d 件を送信しました。", n))
		for _, r := range rep.Delivered {
			w.lastBatch = r.BatchID
		}
		w.closeDelivered()
	}
	switch {
	case err != nil && app.IsUnreachable(err):
		if !quiet {
			msg = append(msg, app.QueuedMessage+"（あとでもう一度送ります）。")
		}
	case err != nil:
		msg = append(msg, "送信待ちを送れませんでした: "+ErrorText(err))
	}
	for _, e := range rep.Failed {
		msg = append(msg, "送信できないバッチがあります: "+ErrorText(e))
	}
	if len(msg) == 0 {
		if !quiet {
			w.setMessage("送信待ちはありません。")
		}
		return
	}
	text := strings.Join(msg, "\n")
	w.setMessage(strings.ReplaceAll(text, "\n", " "))
	if !quiet || len(rep.Failed) > 0 || (err != nil && !app.IsUnreachable(err)) {
		w.showInfo("送信待ち", text)
	}
}

// closeDelivered closes files whose batch was delivered from the outbox:
// their working copy is gone, so nothing more may be done to them.
func (w *Workbench) closeDelivered() {
	ob := w.outbox()
	if ob == nil {
		return
	}
	waiting, err := app.Outbox(context.Background(), ob)
	if err != nil {
		return // the list shows up again on the next send
	}
	left := map[string]bool{}
	for _, x := range waiting {
		left[x.Key] = true
	}
	for i := len(w.sheets) - 1; i >= 0; i-- {
		if k := w.sheets[i].queuedKey; k != "" && !left[k] {
			w.closeTab(w.tabs.Items[i])
		}
	}
}

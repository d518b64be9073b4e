package app

import "time"

// ManualShipping keeps a's shipper from running in the background, so a
// test decides when entries are shipped (ShipAudit) and counts every call
// to the central store itself.
func ManualShipping(a *App) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.manual = true
}

// Timing shortens a's shipping waits for a test: the backoff (retryMin,
// retryMax), the least gap between kicked retries, and the bounds of a
// background shipment, of the shipment before a central entry and of the
// one before a submit. Call it before a's shipper first runs.
func Timing(a *App, retryMin, retryMax, kickGap, timeout, beforeWait, shipWait time.Duration) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.timing = timing{retryMin: retryMin, retryMax: retryMax, kickGap: kickGap, timeout: timeout, beforeWait: beforeWait, shipWait: shipWait}
}

// Down reports whether a believes the server unreachable.
func Down(a *App) bool { return a.sh().down.Load() }

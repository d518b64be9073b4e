package app

// ManualShipping keeps a's shipper from running in the background, so a
// test decides when entries are shipped (ShipAudit) and counts every call
// to the central store itself.
func ManualShipping(a *App) {
	sh := a.sh()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.manual = true
}

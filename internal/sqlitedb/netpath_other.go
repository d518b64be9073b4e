//go:build !linux && !windows

package sqlitedb

// networkFS: only the UNC check applies on other systems.
func networkFS(string) (bool, string) { return false, "" }

// Package app owns the use cases of Kenshin Review — login, review, submit,
// export, report, user and audit administration — each written once, with
// the acting user's capability checked and its audit entry written in the
// same store transaction as the action. The GUI and kenshinctl call it.
package app

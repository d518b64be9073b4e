package auditreport

// The synthetic month of the tests, for the workbook test.
var (
	Month    = month
	At       = at
	From, To = from, to
	JST      = jst
	TestKey  = testKey
)

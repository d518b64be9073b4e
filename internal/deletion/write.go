package deletion

// Sheet is the name of the record's one sheet.
const Sheet = "削除記録"

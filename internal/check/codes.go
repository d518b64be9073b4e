package check

// Finding codes are stable: reports, statistics and the store key on them.
// The Japanese message beside each is built where the finding is made.
const (
	CodeUnreadable    = "ocr.unreadable"     // ● in the cell
	CodeLowConfidence = "ocr.low_confidence" // below the field's threshold
	CodeBadChar       = "ocr.invalid_char"   // bytes that decode to U+FFFD

	CodeRequired = "required.missing"

	CodeFullWidth    = "format.fullwidth"
	CodeLookalike    = "format.lookalike"
	CodeDecimalPoint = "format.decimal_point"
	CodeDecimals     = "format.decimals"
	CodeNumber       = "format.number"
	CodeInteger      = "format.integer"
	CodeUnit         = "format.unit"
	CodeDate         = "format.date"
	CodeTime         = "format.time"

	CodeDateCalendar = "date.calendar"
	CodeDateEra      = "date.era"
	CodeHeiseiBirth  = "date.heisei_birth"
	CodeFuture       = "date.future"
	CodeBeforeBirth  = "date.before_birth"
	CodeAgeWindow    = "date.age_window"

	CodeIDLength = "id.length"
	CodeIDFormat = "id.format"

	CodeCodeUnknown   = "code.unknown"
	CodeCodeConfusion = "code.confusion"
	CodeCheckMark     = "check.mark"

	CodeKanaHalfWidth = "kana.halfwidth"
	CodeKanaHiragana  = "kana.hiragana"
	CodeKanaLookalike = "kana.lookalike"
	CodeKanaSmall     = "kana.small"
	CodeKanaChars     = "kana.chars"

	CodeRangeHard   = "range.hard"
	CodeRangeSoft   = "range.soft"
	CodeRangeGrowth = "range.growth"
	CodeGrams       = "range.grams"

	CodeJudgement     = "rule.judgement"
	CodeRequiresBlank = "rule.requires_missing"
	CodeRequiresExtra = "rule.requires_extra"
	CodeExclusive     = "rule.exclusive"
	CodeDentalSum     = "rule.dental_sum"
	CodeDentalType    = "rule.dental_type"
	CodeBodyRatio     = "rule.bodyratio"
	CodeObesity       = "rule.obesity"

	CodeDuplicateID     = "batch.duplicate_id"
	CodePartnerMismatch = "batch.partner_mismatch"
	CodePartnerMissing  = "batch.partner_missing"
)

// Kinds group codes for filters and statistics.
var kinds = map[string]string{
	"ocr":      "OCR",
	"required": "必須",
	"format":   "書式",
	"date":     "日付",
	"id":       "宛名番号",
	"code":     "コード",
	"check":    "複数選択",
	"kana":     "カナ",
	"range":    "範囲",
	"rule":     "項目間",
	"batch":    "バッチ内",
	"row":      "行の形式",
	"file":     "ファイル",
}

// KindLabel returns the Japanese group name of a finding code.
func KindLabel(code string) string {
	for i := 0; i < len(code); i++ {
		if code[i] == '.' {
			if l, ok := kinds[code[:i]]; ok {
				return l
			}
			break
		}
	}
	return "その他"
}

// NotAValue reports whether an error with code means the cell holds no
// value the health management system could take, whatever the paper says:
// nothing legible (●, broken bytes, blank where required), a letter read for
// a digit, a date or number that cannot be read, an ID of the wrong shape,
// a code not in the list. Such a cell must be corrected; confirming it with
// any reason would submit the misread. Errors about a readable value (out
// of hard limits, rules between fields) are judgements a reason may close.
func NotAValue(code string) bool {
	switch code {
	case CodeUnreadable, CodeBadChar, CodeRequired, CodeLookalike, CodeNumber, CodeInteger,
		CodeDate, CodeTime, CodeDateCalendar, CodeDateEra, CodeIDLength, CodeIDFormat, CodeCodeUnknown:
		return true
	}
	return false
}

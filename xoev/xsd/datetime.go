package xsd

import "strings"

// Date and time lexical spaces (Part 2 §3.2.6–§3.2.14). Ranges follow
// libxml2 (the oracle): hour 0–23 (and 24:00:00), minute and second 0–59, day within the
// month (leap years per the proleptic Gregorian calendar), year 0000
// refused, time-zone offset strictly within ±14:00.

func digitsAt(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for j := i; j < i+n; j++ {
		c := s[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseYear reads -?YYYY+ and returns the year and the next index.
func parseYear(s string) (int, int, bool) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n := i - start
	if n < 4 || (n > 4 && s[start] == '0') || n > 9 {
		return 0, 0, false
	}
	y, _ := digitsAt(s, start, n)
	if y == 0 {
		return 0, 0, false
	}
	if neg {
		y = -y
	}
	return y, i, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		y := year
		if y < 0 {
			y = -y - 1 // proleptic: year -1 is 1 BCE, a leap year in XSD 1.0 terms as year 0 does not exist
		}
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseTZ checks an optional time-zone suffix starting at i.
func parseTZ(s string, i int) bool {
	if i == len(s) {
		return true
	}
	if s[i] == 'Z' {
		return i+1 == len(s)
	}
	if s[i] != '+' && s[i] != '-' || len(s) != i+6 || s[i+3] != ':' {
		return false
	}
	h, ok1 := digitsAt(s, i+1, 2)
	m, ok2 := digitsAt(s, i+4, 2)
	if !ok1 || !ok2 || m > 59 {
		return false
	}
	return h*60+m < 14*60 || (h == 14 && m == 0)
}

// parseTime reads hh:mm:ss(.s+)? at i and returns the next index.
func parseTime(s string, i int) (int, bool) {
	h, ok1 := digitsAt(s, i, 2)
	if !ok1 || i+8 > len(s) || s[i+2] != ':' || s[i+5] != ':' {
		return 0, false
	}
	m, ok2 := digitsAt(s, i+3, 2)
	sec, ok3 := digitsAt(s, i+6, 2)
	if !ok2 || !ok3 || m > 59 || sec > 59 || h > 24 {
		return 0, false
	}
	i += 8
	frac := false
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return 0, false
		}
		frac = strings.Trim(s[start:i], "0") != ""
	}
	// 24:00:00 is accepted as end of day, as libxml2 does.
	if h == 24 && (m != 0 || sec != 0 || frac) {
		return 0, false
	}
	return i, true
}

func checkDateTime(k builtinKind, s string) string {
	bad := "not a valid " + builtinNames[k]
	switch k {
	case bkDateTime, bkDate, bkGYearMonth, bkGYear:
		y, i, ok := parseYear(s)
		if !ok {
			return bad
		}
		if k == bkGYear {
			if !parseTZ(s, i) {
				return bad
			}
			return ""
		}
		if i >= len(s) || s[i] != '-' {
			return bad
		}
		mo, ok := digitsAt(s, i+1, 2)
		if !ok || mo < 1 || mo > 12 {
			return bad
		}
		i += 3
		if k == bkGYearMonth {
			if !parseTZ(s, i) {
				return bad
			}
			return ""
		}
		if i >= len(s) || s[i] != '-' {
			return bad
		}
		d, ok := digitsAt(s, i+1, 2)
		if !ok || d < 1 || d > daysIn(y, mo) {
			return bad
		}
		i += 3
		if k == bkDateTime {
			if i >= len(s) || s[i] != 'T' {
				return bad
			}
			if i, ok = parseTime(s, i+1); !ok {
				return bad
			}
		}
		if !parseTZ(s, i) {
			return bad
		}
	case bkTime:
		i, ok := parseTime(s, 0)
		if !ok || !parseTZ(s, i) {
			return bad
		}
	case bkGMonth, bkGMonthDay, bkGDay:
		if k == bkGDay {
			if len(s) < 5 || s[:3] != "---" {
				return bad
			}
			d, ok := digitsAt(s, 3, 2)
			if !ok || d < 1 || d > 31 || !parseTZ(s, 5) {
				return bad
			}
			return ""
		}
		if len(s) < 4 || s[:2] != "--" {
			return bad
		}
		mo, ok := digitsAt(s, 2, 2)
		if !ok || mo < 1 || mo > 12 {
			return bad
		}
		if k == bkGMonth {
			i := 4
			if len(s) >= 6 && s[4:6] == "--" {
				i = 6
			}
			if !parseTZ(s, i) {
				return bad
			}
			return ""
		}
		if len(s) < 7 || s[4] != '-' {
			return bad
		}
		d, ok := digitsAt(s, 5, 2)
		if !ok || d < 1 || d > daysIn(2000, mo) || !parseTZ(s, 7) {
			return bad
		}
	}
	return ""
}

// isDuration checks -?PnYnMnDTnHnMnS (Part 2 §3.2.6.1).
func isDuration(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) || s[i] != 'P' {
		return false
	}
	i++
	if i == len(s) {
		return false
	}
	order := "YMD"
	inTime, any, timeAny := false, false, false
	pos := 0
	for i < len(s) {
		if s[i] == 'T' {
			if inTime {
				return false
			}
			inTime, order, pos = true, "HMS", 0
			i++
			if i == len(s) {
				return false
			}
			continue
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		frac := false
		if inTime && i < len(s) && s[i] == '.' {
			i++
			fs := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == fs {
				return false
			}
			frac = true
		}
		if i == start || i >= len(s) {
			return false
		}
		d := s[i]
		i++
		k := pos
		for k < len(order) && order[k] != d {
			k++
		}
		if k == len(order) || (frac && d != 'S') {
			return false
		}
		pos = k + 1
		any = true
		if inTime {
			timeAny = true
		}
	}
	return any && (!inTime || timeAny)
}

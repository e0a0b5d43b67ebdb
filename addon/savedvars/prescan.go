package savedvars

import (
	"bytes"
	"fmt"
)

// luaKeywords are refused outside strings: SavedVariables data never uses
// them, and chains of some (`not not …`, `do do …`, `1 and 1 and …`) would
// make gopher-lua build an AST thousands of levels deep before the data
// check could say no.
var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"for": true, "function": true, "goto": true, "if": true, "in": true, "local": true,
	"not": true, "or": true, "repeat": true, "return": true, "then": true, "until": true, "while": true,
}

// prescan is a quick lexical pass run before gopher-lua's parser. The
// parser itself accepts any Lua, and for hostile shapes (16 MiB of nested
// braces, long operator chains) spends seconds and gigabytes building the
// AST. prescan refuses, in one linear pass over the bytes, everything data
// never contains: nesting deeper than MaxDepth, parentheses and operators,
// keywords other than true/false/nil, and a minus anywhere but in front of
// a number. Strings, long strings and comments are skipped as Lua reads
// them. What passes is then parsed and checked for real.
func prescan(src []byte) error {
	line := 1
	depth := 0
	entries := 0
	var prev byte // last significant character outside strings and comments
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch {
		case ch == '\n':
			line++
			continue
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v':
			continue
		case ch == '-' && i+1 < len(src) && src[i+1] == '-':
			// A comment: long (--[[ … ]], --[==[ … ]==]) or to the end of the line.
			if lvl, ok := longBracket(src, i+2); ok {
				end, n, err := skipLong(src, i+2, lvl)
				if err != nil {
					return &Error{Line: line, Msg: "unfinished long comment"}
				}
				line += n
				i = end
			} else {
				for i < len(src) && src[i] != '\n' {
					i++
				}
				i-- // let the newline be counted
			}
			continue
		case ch == '"' || ch == '\'':
			j := i + 1
			for ; j < len(src) && src[j] != ch; j++ {
				if src[j] == '\\' {
					j++
					if j < len(src) && src[j] == '\n' {
						line++
					}
				} else if src[j] == '\n' {
					return &Error{Line: line, Msg: "unfinished string"}
				}
			}
			if j >= len(src) {
				return &Error{Line: line, Msg: "unfinished string"}
			}
			i = j
			prev = '"'
			continue
		case ch == '[':
			if lvl, ok := longBracket(src, i); ok {
				end, n, err := skipLong(src, i, lvl)
				if err != nil {
					return &Error{Line: line, Msg: "unfinished long string"}
				}
				line += n
				i = end
				prev = '"'
				continue
			}
			depth++
			if depth > MaxDepth {
				return &Error{Line: line, Msg: fmt.Sprintf("tables are nested deeper than %d levels", MaxDepth)}
			}
		case ch == '{':
			depth++
			if depth > MaxDepth {
				return &Error{Line: line, Msg: fmt.Sprintf("tables are nested deeper than %d levels", MaxDepth)}
			}
		case ch == '}' || ch == ']':
			depth--
		case ch == ',' || ch == ';':
			// Parsing costs about 400 bytes of AST per table entry, so the
			// number of entries is capped as well as the size.
			entries++
			if entries > MaxEntries {
				return &Error{Line: line, Msg: fmt.Sprintf("more than %d table entries; a guild export has far fewer", MaxEntries)}
			}
		case ch == '=':
		case ch == '-':
			// Data has a minus only as a sign: after = , ; { [ and before a number.
			if prev != 0 && !bytes.ContainsRune([]byte("=,;{["), rune(prev)) {
				return &Error{Line: line, Msg: "only data is allowed (found an expression)"}
			}
			if j := skipSpace(src, i+1); j >= len(src) || !(isDigit(src[j]) || src[j] == '.') {
				return &Error{Line: line, Msg: "only numbers may be negated"}
			}
		case isDigit(ch) || ch == '.':
			// A number (or a stray dot the parser will refuse): digits,
			// letters for hex and exponents, dots, and a sign right after
			// an exponent.
			j := i
			for j < len(src) && (isDigit(src[j]) || isLetter(src[j]) || src[j] == '.' ||
				((src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
				j++
			}
			if bytes.Contains(src[i:j], []byte("..")) {
				return &Error{Line: line, Msg: "only data is allowed (found an expression)"}
			}
			i = j - 1
			prev = '0'
			continue
		case isLetter(ch):
			j := i
			for j < len(src) && (isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			if w := string(src[i:j]); luaKeywords[w] {
				return &Error{Line: line, Msg: fmt.Sprintf("only data is allowed (found the keyword %q)", w)}
			}
			i = j - 1
			prev = 'a'
			continue
		default:
			return &Error{Line: line, Msg: fmt.Sprintf("only data is allowed (found %q)", rune(ch))}
		}
		prev = ch
	}
	return nil
}

// MaxEntries caps the table entries in a file (counted by their
// separators). A full 1000-member guild writes about 17 000.
const MaxEntries = 100_000

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n') {
		i++
	}
	return i
}

// longBracket reports whether src[i:] opens a long bracket [[ or [=*[ and
// its level (the number of =).
func longBracket(src []byte, i int) (int, bool) {
	if i >= len(src) || src[i] != '[' {
		return 0, false
	}
	j := i + 1
	for j < len(src) && src[j] == '=' {
		j++
	}
	if j < len(src) && src[j] == '[' {
		return j - i - 1, true
	}
	return 0, false
}

// skipLong returns the index of the last byte of the long bracket opened
// at i with the given level, and the newlines inside it.
func skipLong(src []byte, i, level int) (int, int, error) {
	closer := append(append([]byte{']'}, bytes.Repeat([]byte{'='}, level)...), ']')
	start := i + level + 2
	k := bytes.Index(src[start:], closer)
	if k < 0 {
		return 0, 0, fmt.Errorf("unfinished")
	}
	end := start + k + len(closer) - 1
	return end, bytes.Count(src[i:end], []byte{'\n'}), nil
}

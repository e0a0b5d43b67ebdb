// Package savedvars reads World of Warcraft SavedVariables files: Lua
// source that assigns table literals to globals. The source is parsed with
// gopher-lua's parser into an AST and only literal data is accepted: the
// file is never executed, so a crafted upload cannot run code, loop or
// allocate beyond the size cap.
package savedvars

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// MaxSize is the largest file accepted. A guild of 1000 members exports
// well under 1 MiB; 16 MiB leaves room for years of growth while keeping a
// hostile upload from costing more than a few hundred MiB of AST.
const MaxSize = 16 << 20

// MaxDepth is the deepest table nesting accepted. PATTSync writes three
// levels; 64 keeps recursion bounded for any input.
const MaxDepth = 64

// Value is one Lua datum: nil, bool, int64, float64, string or *Table.
type Value = any

// Table is a Lua table literal. Keys are string, int64, float64 or bool
// (an integral float key is stored as int64, as Lua does). Order keeps the
// order keys first appeared in, so output is deterministic.
type Table struct {
	entries map[any]Value
	order   []any
	// keyed is true when any entry used the [k]= or name= form; the
	// reference parser's list rule (AsList) looks at it.
	keyed bool
}

func newTable() *Table { return &Table{entries: map[any]Value{}} }

func (t *Table) set(k any, v Value) {
	if _, ok := t.entries[k]; !ok {
		t.order = append(t.order, k)
	}
	t.entries[k] = v
}

// Len is the number of keys (nil values included).
func (t *Table) Len() int { return len(t.order) }

// Keys returns the keys in the order they first appeared.
func (t *Table) Keys() []any { return append([]any(nil), t.order...) }

// Lookup returns the value under key k and whether the key is present.
// Integer keys may be given as int or int64.
func (t *Table) Lookup(k any) (Value, bool) {
	if t == nil {
		return nil, false
	}
	if i, ok := k.(int); ok {
		k = int64(i)
	}
	v, ok := t.entries[k]
	return v, ok
}

// Get returns the value under k, nil when absent.
func (t *Table) Get(k any) Value {
	v, _ := t.Lookup(k)
	return v
}

// String returns the string under k ("" when absent or not a string).
func (t *Table) String(k any) string {
	s, _ := t.Get(k).(string)
	return s
}

// Int returns the number under k as an integer (0 when absent or not a
// number; a float is truncated).
func (t *Table) Int(k any) int64 {
	switch n := t.Get(k).(type) {
	case int64:
		return n
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return 0
		}
		return int64(n)
	}
	return 0
}

// Bool returns the boolean under k (false when absent or not a bool).
func (t *Table) Bool(k any) bool {
	b, _ := t.Get(k).(bool)
	return b
}

// Table returns the table under k, nil when absent or not a table.
func (t *Table) Table(k any) *Table {
	v, _ := t.Get(k).(*Table)
	return v
}

// Items returns the values under the integer keys 1, 2, 3… up to the first
// missing one: the array part as Lua's ipairs would see it, whether the
// file wrote the items positionally or as [n] = ….
func (t *Table) Items() []Value {
	if t == nil {
		return nil
	}
	var out []Value
	for i := int64(1); ; i++ {
		v, ok := t.entries[i]
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// AsList applies the reference parser's rule: a table is a list only when
// it is non-empty, used no [k]= or name= entries and all its keys are
// integers. The list runs from 1 to the largest key, nil in the gaps.
func (t *Table) AsList() ([]Value, bool) {
	if t == nil || t.keyed || len(t.order) == 0 {
		return nil, false
	}
	var max int64
	for _, k := range t.order {
		i, ok := k.(int64)
		if !ok || i < 1 {
			return nil, false
		}
		if i > max {
			max = i
		}
	}
	if max > int64(len(t.order))*2+16 {
		// Positional entries never leave gaps this wide; refuse rather
		// than allocate a huge mostly-nil slice.
		return nil, false
	}
	out := make([]Value, max)
	for i := range out {
		out[i] = t.entries[int64(i+1)]
	}
	return out, true
}

// Error is a parse failure with the line it was found on (0 when the file
// as a whole is at fault).
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("SavedVariables line %d: %s", e.Line, e.Msg)
	}
	return "SavedVariables: " + e.Msg
}

// ErrNotFound is returned by ParseVariable when the file does not assign
// the named variable.
var ErrNotFound = errors.New("variable not found")

// Parse reads a whole SavedVariables file and returns every global it
// assigns. Anything that is not `name = <literal>` (a function call, an
// expression, a reference to another variable, a loop) is refused.
func Parse(src []byte) (map[string]Value, error) {
	if len(src) > MaxSize {
		return nil, &Error{Msg: fmt.Sprintf("the file is %d bytes, more than the %d MiB limit", len(src), MaxSize>>20)}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return nil, &Error{Line: 1 + bytes.Count(src[:i], []byte{'\n'}), Msg: "the file contains a NUL byte; it is not a text file"}
	}
	// Lua files may start with a UTF-8 byte order mark or a #! line; WoW
	// writes neither, but an editor might add the former.
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if err := prescan(src); err != nil {
		return nil, err
	}
	chunk, err := safeParse(src)
	if err != nil {
		return nil, err
	}
	globals := map[string]Value{}
	for _, st := range chunk {
		as, ok := st.(*ast.AssignStmt)
		if !ok {
			return nil, &Error{Line: st.Line(), Msg: "only assignments of data are allowed (found " + stmtKind(st) + ")"}
		}
		if len(as.Lhs) != len(as.Rhs) {
			return nil, &Error{Line: as.Line(), Msg: "each variable needs exactly one value"}
		}
		for i, lhs := range as.Lhs {
			id, ok := lhs.(*ast.IdentExpr)
			if !ok {
				return nil, &Error{Line: as.Line(), Msg: "only plain global names may be assigned"}
			}
			v, err := value(as.Rhs[i], 0)
			if err != nil {
				return nil, err
			}
			globals[id.Value] = v
		}
	}
	return globals, nil
}

// ParseVariable parses src and returns the table assigned to name. The
// error names the variable when it is missing or not a table.
func ParseVariable(src []byte, name string) (*Table, error) {
	globals, err := Parse(src)
	if err != nil {
		return nil, err
	}
	v, ok := globals[name]
	if !ok {
		return nil, fmt.Errorf("%w: the file does not assign %s", ErrNotFound, name)
	}
	t, ok := v.(*Table)
	if !ok {
		return nil, &Error{Msg: name + " is not a table"}
	}
	return t, nil
}

// safeParse runs gopher-lua's parser, which reports errors by panicking
// (it recovers error panics itself; anything else is caught here).
func safeParse(src []byte) (chunk []ast.Stmt, err error) {
	defer func() {
		if r := recover(); r != nil {
			chunk, err = nil, &Error{Msg: fmt.Sprintf("not valid Lua (%v)", r)}
		}
	}()
	chunk, err = parse.Parse(bytes.NewReader(src), "SavedVariables")
	if err != nil {
		return nil, &Error{Msg: "not valid Lua: " + cleanParseError(err)}
	}
	if chunk == nil && len(bytes.TrimSpace(src)) > 0 {
		return nil, &Error{Msg: "not valid Lua"}
	}
	return chunk, nil
}

// cleanParseError trims gopher-lua's message (which may quote a whole
// unterminated string) to something that fits on one line.
func cleanParseError(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return strings.ToValidUTF8(msg, "?")
}

func value(e ast.Expr, depth int) (Value, error) {
	switch x := e.(type) {
	case *ast.NilExpr:
		return nil, nil
	case *ast.TrueExpr:
		return true, nil
	case *ast.FalseExpr:
		return false, nil
	case *ast.StringExpr:
		// Lua strings are bytes; everything downstream (JSON, Postgres)
		// wants UTF-8, so invalid sequences become U+FFFD here.
		return strings.ToValidUTF8(x.Value, "\uFFFD"), nil
	case *ast.NumberExpr:
		return number(x.Value, x.Line())
	case *ast.UnaryMinusOpExpr:
		// WoW writes negative numbers as -5; only a number may follow.
		n, ok := x.Expr.(*ast.NumberExpr)
		if !ok {
			return nil, &Error{Line: x.Line(), Msg: "only numbers may be negated"}
		}
		v, err := number(n.Value, n.Line())
		if err != nil {
			return nil, err
		}
		if i, ok := v.(int64); ok {
			return -i, nil
		}
		return -v.(float64), nil
	case *ast.TableExpr:
		if depth >= MaxDepth {
			return nil, &Error{Line: x.Line(), Msg: fmt.Sprintf("tables are nested deeper than %d levels", MaxDepth)}
		}
		return table(x, depth+1)
	}
	return nil, &Error{Line: e.Line(), Msg: "only data is allowed (found " + exprKind(e) + ")"}
}

func table(x *ast.TableExpr, depth int) (*Table, error) {
	t := newTable()
	var pos int64
	for _, f := range x.Fields {
		v, err := value(f.Value, depth)
		if err != nil {
			return nil, err
		}
		if f.Key == nil {
			pos++
			t.set(pos, v)
			continue
		}
		t.keyed = true
		// gopher-lua turns name = v into a StringExpr key.
		k, err := value(f.Key, depth)
		if err != nil {
			return nil, err
		}
		switch kv := k.(type) {
		case nil:
			return nil, &Error{Line: f.Key.Line(), Msg: "a table key cannot be nil"}
		case *Table:
			return nil, &Error{Line: f.Key.Line(), Msg: "a table key cannot be a table"}
		case float64:
			if math.IsNaN(kv) {
				return nil, &Error{Line: f.Key.Line(), Msg: "a table key cannot be NaN"}
			}
			if kv == math.Trunc(kv) && math.Abs(kv) < 1<<63 {
				k = int64(kv)
			}
		}
		t.set(k, v)
	}
	return t, nil
}

// number converts a Lua numeric literal: decimal integers become int64,
// hex integers (0x10) too, anything with a fraction or exponent (or an
// integer too large for int64) becomes float64.
func number(s string, line int) (Value, error) {
	ls := strings.ToLower(s)
	if strings.HasPrefix(ls, "0x") {
		u, err := strconv.ParseUint(ls[2:], 16, 64)
		if err != nil {
			return nil, &Error{Line: line, Msg: fmt.Sprintf("bad hexadecimal number %q", s)}
		}
		return int64(u), nil // Lua wraps large hex literals the same way
	}
	if !strings.ContainsAny(ls, ".e") {
		if i, err := strconv.ParseInt(ls, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(ls, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, nil // ±Inf or 0, as Lua reads an out-of-range literal
		}
		return nil, &Error{Line: line, Msg: fmt.Sprintf("bad number %q", s)}
	}
	return f, nil
}

func stmtKind(st ast.Stmt) string {
	switch st.(type) {
	case *ast.FuncCallStmt:
		return "a function call"
	case *ast.LocalAssignStmt:
		return "a local variable"
	case *ast.FuncDefStmt:
		return "a function definition"
	case *ast.ReturnStmt:
		return "a return statement"
	case *ast.WhileStmt, *ast.RepeatStmt, *ast.NumberForStmt, *ast.GenericForStmt:
		return "a loop"
	case *ast.IfStmt:
		return "an if statement"
	}
	return "a statement"
}

func exprKind(e ast.Expr) string {
	switch e.(type) {
	case *ast.FuncCallExpr:
		return "a function call"
	case *ast.FunctionExpr:
		return "a function"
	case *ast.IdentExpr, *ast.AttrGetExpr:
		return "a variable reference"
	case *ast.Comma3Expr:
		return "..."
	}
	return "an expression"
}

// validUTF8 reports whether every string in v is valid UTF-8 (used by tests
// and fuzzing to check the sanitising promise).
func validUTF8(v Value) bool {
	switch x := v.(type) {
	case string:
		return utf8.ValidString(x)
	case *Table:
		for _, k := range x.order {
			if !validUTF8(k) || !validUTF8(x.entries[k]) {
				return false
			}
		}
	}
	return true
}

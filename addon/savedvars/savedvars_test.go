package savedvars

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// plain turns a parsed value into maps/slices the tests can compare: a
// table that passes AsList becomes []any, any other table map[any]any.
func plain(v Value) any {
	t, ok := v.(*Table)
	if !ok {
		return v
	}
	if list, ok := t.AsList(); ok {
		out := make([]any, len(list))
		for i, x := range list {
			out[i] = plain(x)
		}
		return out
	}
	out := map[any]any{}
	for _, k := range t.Keys() {
		out[k] = plain(t.Get(k))
	}
	return out
}

func parseOne(t *testing.T, lit string) any {
	t.Helper()
	tbl, err := ParseVariable([]byte("PATTSyncDB = "+lit), "PATTSyncDB")
	require.NoError(t, err, lit)
	return plain(tbl)
}

// The §17.A vectors. Where the reference parser departed from Lua (1e5,
// 0x10, \65, \r) this parser follows Lua, as the issue asks.
func TestValues(t *testing.T) {
	cases := []struct {
		in   string
		want any
	}{
		{`{ name = "Trog", level = 80 }`, map[any]any{"name": "Trog", "level": int64(80)}},
		{`{ ratio = 3.14 }`, map[any]any{"ratio": 3.14}},
		{`{ offset = -5 }`, map[any]any{"offset": int64(-5)}},
		{`{ isOnline = true }`, map[any]any{"isOnline": true}},
		{`{ isMobile = false }`, map[any]any{"isMobile": false}},
		{`{ data = nil }`, map[any]any{"data": nil}},
		{`{}`, map[any]any{}},
		{`{ "one", "two", "three" }`, []any{"one", "two", "three"}},
		{`{ 1, 2, 3 }`, []any{int64(1), int64(2), int64(3)}},
		{`{ name = "x", 42 }`, map[any]any{"name": "x", int64(1): int64(42)}},
		{`{ lastExport = { memberCount = 45 } }`, map[any]any{"lastExport": map[any]any{"memberCount": int64(45)}}},
		{`{ a = { b = { c = 99 } } }`, map[any]any{"a": map[any]any{"b": map[any]any{"c": int64(99)}}}},
		{`{ chars = { "Alice", "Bob" } }`, map[any]any{"chars": []any{"Alice", "Bob"}}},
		{`{ realm = 'Senjin' }`, map[any]any{"realm": "Senjin"}},
		{`{ note = "line1\nline2" }`, map[any]any{"note": "line1\nline2"}},
		{`{ note = "col1\tcol2" }`, map[any]any{"note": "col1\tcol2"}},
		{`{ path = "C:\\wow" }`, map[any]any{"path": `C:\wow`}},
		{`{ name = "Sen'jin" }`, map[any]any{"name": "Sen'jin"}},
		{`{ ["key"] = "value" }`, map[any]any{"key": "value"}},
		{`{ [1] = "first", [2] = "second" }`, map[any]any{int64(1): "first", int64(2): "second"}},
		{`{ "a", nil, "c" }`, []any{"a", nil, "c"}},
		{`{ true, false }`, []any{true, false}},
		{`{ 1, 2, [3] = 3 }`, map[any]any{int64(1): int64(1), int64(2): int64(2), int64(3): int64(3)}},
		{`{ x = 1; y = 2, }`, map[any]any{"x": int64(1), "y": int64(2)}},
		{`{ a = "q\"x" }`, map[any]any{"a": `q"x`}},
		{`{ a = 'it\'s' }`, map[any]any{"a": "it's"}},
		{"{ -- c\n a = 1 --[[ block ]] , b = 2 }", map[any]any{"a": int64(1), "b": int64(2)}},
		{"{ --[==[ level ]] block ]==] a = 1 }", map[any]any{"a": int64(1)}},
		{`{ a = .5 }`, map[any]any{"a": 0.5}},
		{`{ a = -0.25 }`, map[any]any{"a": -0.25}},
		{`{ {n="A"}, {n="B"}, }`, []any{map[any]any{"n": "A"}, map[any]any{"n": "B"}}},
		{`{ a = 1, a = 2 }`, map[any]any{"a": int64(2)}},
		{`{ "x", [1] = "y" }`, map[any]any{int64(1): "y"}},
		{`{ nilx = 1 }`, map[any]any{"nilx": int64(1)}},
		// Lua's own number and string forms.
		{`{ a = 1e5, b = 2.5E-1, c = 0x10, d = 0XfF }`, map[any]any{"a": 100000.0, "b": 0.25, "c": int64(16), "d": int64(255)}},
		{`{ a = "\65\066\0670" }`, map[any]any{"a": "ABC0"}},
		{`{ a = "tab\rX" }`, map[any]any{"a": "tab\rX"}},
		{`{ a = "\a\b\f\v" }`, map[any]any{"a": "\a\b\f\v"}},
		{"{ a = [[long\nstring]], b = [==[with ]] inside]==] }", map[any]any{"a": "long\nstring", "b": "with ]] inside"}},
		{`{ [1.0] = "int key", [2.5] = "float key", [true] = "bool key" }`, map[any]any{int64(1): "int key", 2.5: "float key", true: "bool key"}},
		{`{ a = 9007199254740993 }`, map[any]any{"a": int64(9007199254740993)}},
		{`{ a = "Zoë – ü" }`, map[any]any{"a": "Zoë – ü"}},
		{`{ a = "\255" }`, map[any]any{"a": "\uFFFD"}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			require.Equal(t, c.want, parseOne(t, c.in))
		})
	}
}

func TestRefusesWhatIsNotData(t *testing.T) {
	cases := []struct{ in, want string }{
		// Refused by the lexical pre-pass.
		{`PATTSyncDB = { a = os.exit() }`, "only data is allowed (found '(')"},
		{`PATTSyncDB = { a = function() end }`, `found the keyword "function"`},
		{`PATTSyncDB = { a = 1 + 2 }`, "only data is allowed (found '+')"},
		{`PATTSyncDB = { a = 1 - 2 }`, "found an expression"},
		{`PATTSyncDB = { a = - - 2 }`, "only numbers may be negated"},
		{`PATTSyncDB = { a = -x }`, "only numbers may be negated"},
		{`PATTSyncDB = { a = "x" .. "y" }`, "found an expression"},
		{`PATTSyncDB = { a = not true }`, `found the keyword "not"`},
		{`PATTSyncDB = { a = true and false }`, `found the keyword "and"`},
		{`PATTSyncDB = { a = "unterminated }`, "line 1: unfinished string"},
		{"PATTSyncDB = { a = [[long", "unfinished long string"},
		{"PATTSyncDB = { --[[ open", "unfinished long comment"},
		{"PATTSyncDB = {}\nprint('hi')", "line 2: only data is allowed (found '(')"},
		{"while true do end", `found the keyword "while"`},
		{"local x = {}", `found the keyword "local"`},
		{"PATTSyncDB = { a = 1 } # x", "found '#'"},
		{"PATTSyncDB = {" + strings.Repeat("1,", MaxEntries+1) + "}", "more than 100000 table entries"},
		{"PATTSyncDB = " + strings.Repeat("{", MaxDepth+1) + strings.Repeat("}", MaxDepth+1), "nested deeper than 64"},
		{"PATTSyncDB = { " + strings.Repeat("[ ", MaxDepth+1), "nested deeper than 64"},
		// Refused by the parser or the AST check.
		{`PATTSyncDB = { truex }`, "variable reference"},
		{`PATTSyncDB = { a = x.y }`, "variable reference"},
		{`PATTSyncDB = { a = f"str" }`, "function call"},
		{`PATTSyncDB = { a = f{} }`, "function call"},
		{"PATTSyncDB = {}\nf{}", "line 2: only assignments of data are allowed (found a function call)"},
		{`PATTSyncDB = { a = 1.2.3 }`, "not valid Lua"},
		{`PATTSyncDB = { a = 1 `, "not valid Lua"},
		{"PATTSyncDB.x = 1", "plain global names"},
		{"PATTSyncDB, Other = {}", "exactly one value"},
		{"PATTSyncDB = { [nil] = 1 }", "key cannot be nil"},
		{"PATTSyncDB = { [{}] = 1 }", "key cannot be a table"},
		{"PATTSyncDB = { a = \"x\x00y\" }", "NUL byte"},
		{"PATTSyncDB = 5", "PATTSyncDB is not a table"},
		{"SomeOtherDB = { foo = 1 }", "PATTSyncDB"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			_, err := ParseVariable([]byte(c.in), "PATTSyncDB")
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

// Strings and comments may hold anything the pre-pass refuses in code.
func TestPrescanSkipsStringsAndComments(t *testing.T) {
	src := "PATTSyncDB = { -- a comment (with parens) and keywords: while not end\n" +
		"a = \"f(x) + 1 -- not a comment\", b = 'it\\'s (fine)', c = [==[ [[ ( ]] ]==],\n" +
		"--[[ block ( # ]] d = -1.5e-3, e = 2E+2, [\"k(\"] = \"v\" }"
	db, err := ParseVariable([]byte(src), "PATTSyncDB")
	require.NoError(t, err)
	require.Equal(t, "f(x) + 1 -- not a comment", db.String("a"))
	require.Equal(t, "it's (fine)", db.String("b"))
	require.Equal(t, " [[ ( ]] ", db.String("c"))
	require.Equal(t, -1.5e-3, db.Get("d"))
	require.Equal(t, 200.0, db.Get("e"))
	require.Equal(t, "v", db.String("k("))
}

func TestRefusesOversizedFile(t *testing.T) {
	src := []byte("PATTSyncDB = { a = \"" + strings.Repeat("x", MaxSize) + "\" }")
	_, err := Parse(src)
	require.ErrorContains(t, err, "more than the 16 MiB limit")
}

func TestNestingAtTheLimitIsAccepted(t *testing.T) {
	src := "PATTSyncDB = " + strings.Repeat("{", MaxDepth) + strings.Repeat("}", MaxDepth)
	_, err := ParseVariable([]byte(src), "PATTSyncDB")
	require.NoError(t, err)
}

// The file as WoW writes it: bracketed keys, "-- [n]" comments after array
// items, several globals, CRLF line ends on Windows.
func TestRealisticFile(t *testing.T) {
	src := strings.ReplaceAll(`
PATTSyncDB = {
["lastExportTime"] = 1740300000,
["totalExports"] = 3,
["lastExport"] = {
["exportTime"] = 1740300000,
["addonVersion"] = "1.0.0",
["guildName"] = "Pull All The Things",
["characters"] = {
{
["name"] = "Trogmoon",
["note"] = "GM / Mike",
["officerNote"] = "Discord: Trog",
["isOnline"] = true,
}, -- [1]
{
["name"] = "Shodoom",
["rank"] = 1,
["isOnline"] = false,
["lastOnline"] = "2d 4h",
}, -- [2]
},
},
}
PATTSyncCharDB = nil
`, "\n", "\r\n")
	db, err := ParseVariable([]byte(src), "PATTSyncDB")
	require.NoError(t, err)
	require.Equal(t, int64(3), db.Int("totalExports"))
	exp := db.Table("lastExport")
	require.Equal(t, "Pull All The Things", exp.String("guildName"))
	require.Equal(t, "1.0.0", exp.String("addonVersion"))
	chars := exp.Table("characters").Items()
	require.Len(t, chars, 2)
	first, second := chars[0].(*Table), chars[1].(*Table)
	require.Equal(t, "Trogmoon", first.String("name"))
	require.Equal(t, "GM / Mike", first.String("note"))
	require.Equal(t, "Discord: Trog", first.String("officerNote"))
	require.True(t, first.Bool("isOnline"))
	require.Equal(t, "Shodoom", second.String("name"))
	require.Equal(t, int64(1), second.Int("rank"))
	require.False(t, second.Bool("isOnline"))
	require.Equal(t, "2d 4h", second.String("lastOnline"))
}

func TestEmptyFileHasNoVariable(t *testing.T) {
	_, err := ParseVariable([]byte("  \n-- nothing\n"), "PATTSyncDB")
	require.ErrorIs(t, err, ErrNotFound)
}

// FuzzParse: whatever the bytes, Parse returns (never panics, never hangs),
// and every string it returns is valid UTF-8.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`PATTSyncDB = { name = "Trog", level = 80, [1] = { true, false, nil }, x = -0.5e3, h = 0x1F }`,
		"PATTSyncDB = { a = [==[x]]y]==], b = '\\65\\n\\\\' } -- c\n--[[ d ]]",
		`PATTSyncDB = { { n = "A" }, { n = "B" }, }`,
		`PATTSyncDB = {`,
		`x = "\255\254"`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		globals, err := Parse(src)
		if err != nil {
			return
		}
		for _, v := range globals {
			if !validUTF8(v) {
				t.Fatalf("invalid UTF-8 in result of %q", src)
			}
			plain(v)
		}
	})
}

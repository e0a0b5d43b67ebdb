package wowsim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// SavedVariables writes the named globals the way WoW writes a
// SavedVariables file on logout: `Name = {` with bracketed keys, tab
// indentation, array items followed by `-- [n]` comments, CRLF-free.
// Keys are sorted so the output is deterministic (WoW's order is not).
func (c *Client) SavedVariables(names ...string) []byte {
	var b strings.Builder
	for _, name := range names {
		b.WriteString("\n")
		b.WriteString(name)
		b.WriteString(" = ")
		writeValue(&b, c.L.GetGlobal(name), 0)
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func writeValue(b *strings.Builder, v lua.LValue, depth int) {
	switch x := v.(type) {
	case lua.LString:
		b.WriteString(quote(string(x)))
	case lua.LNumber:
		f := float64(x)
		if f == math.Trunc(f) && math.Abs(f) < 1e15 {
			b.WriteString(strconv.FormatInt(int64(f), 10))
		} else {
			b.WriteString(strconv.FormatFloat(f, 'g', 17, 64))
		}
	case lua.LBool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case *lua.LTable:
		b.WriteString("{\n")
		n := x.Len()
		for i := 1; i <= n; i++ {
			b.WriteString(strings.Repeat("\t", depth+1))
			writeValue(b, x.RawGetInt(i), depth+1)
			fmt.Fprintf(b, ", -- [%d]\n", i)
		}
		type kv struct {
			key string
			k   lua.LValue
		}
		var rest []kv
		x.ForEach(func(k, _ lua.LValue) {
			if num, ok := k.(lua.LNumber); ok && float64(num) == math.Trunc(float64(num)) && int(num) >= 1 && int(num) <= n {
				return
			}
			rest = append(rest, kv{k.String(), k})
		})
		sort.Slice(rest, func(i, j int) bool { return rest[i].key < rest[j].key })
		for _, e := range rest {
			b.WriteString(strings.Repeat("\t", depth+1))
			b.WriteString("[")
			writeValue(b, e.k, depth+1)
			b.WriteString("] = ")
			writeValue(b, x.RawGet(e.k), depth+1)
			b.WriteString(",\n")
		}
		b.WriteString(strings.Repeat("\t", depth))
		b.WriteString("}")
	default:
		b.WriteString("nil")
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(ch)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\0`)
		default:
			b.WriteByte(ch)
		}
	}
	b.WriteByte('"')
	return b.String()
}

package savedvars

import (
	"fmt"
	"strings"
	"testing"
)

// guildFile is a SavedVariables file as PATTSync writes it for n members.
func guildFile(n int) []byte {
	var b strings.Builder
	b.WriteString("\nPATTSyncDB = {\n\t[\"lastExport\"] = {\n\t\t[\"characters\"] = {\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\t\t\t{\n\t\t\t\t[\"name\"] = \"Member%d\",\n\t\t\t\t[\"realm\"] = \"Senjin\",\n\t\t\t\t[\"guid\"] = \"Player-3676-%08X\",\n\t\t\t\t[\"rank\"] = %d,\n\t\t\t\t[\"rankName\"] = \"Member\",\n\t\t\t\t[\"level\"] = 80,\n\t\t\t\t[\"class\"] = \"Death Knight\",\n\t\t\t\t[\"classFile\"] = \"DEATHKNIGHT\",\n\t\t\t\t[\"zone\"] = \"Dornogal\",\n\t\t\t\t[\"note\"] = \"alt of Somebody\",\n\t\t\t\t[\"officerNote\"] = \"Discord: somebody\",\n\t\t\t\t[\"isOnline\"] = false,\n\t\t\t\t[\"lastOnline\"] = \"2d 4h\",\n\t\t\t\t[\"lastOnlineHours\"] = 52,\n\t\t\t\t[\"achievementPoints\"] = 12345,\n\t\t\t}, -- [%d]\n", i, i, i%10, i+1)
	}
	b.WriteString("\t\t},\n\t\t[\"exportTime\"] = 1764532800,\n\t},\n}\n")
	return []byte(b.String())
}

// BenchmarkParseGuildFile: a full 1000-member guild (the WoW cap).
func BenchmarkParseGuildFile(b *testing.B) {
	src := guildFile(1000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := ParseVariable(src, "PATTSyncDB"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDeepNesting: the worst shape under the size cap that is
// still refused by the depth limit, not by the size.
func BenchmarkParseDeepNesting(b *testing.B) {
	n := (MaxSize - 20) / 2
	src := []byte("PATTSyncDB = " + strings.Repeat("{", n) + strings.Repeat("}", n))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse(src); err == nil {
			b.Fatal("accepted")
		}
	}
}

// BenchmarkParseFlatTable: the densest data the entry cap lets through,
// MaxEntries one-character numbers in one table.
func BenchmarkParseFlatTable(b *testing.B) {
	src := []byte("PATTSyncDB = {" + strings.Repeat("1,", MaxEntries) + "}")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}

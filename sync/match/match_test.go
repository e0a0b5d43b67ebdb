package match_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"patt/sync/match"
)

// Spec §17.B with the §19 folding: the reference left æ/ø/ç/ß alone; v2
// folds them, so those three vectors change (Ærin→aerin, Bjørn→bjorn,
// Çedric→cedric).
func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Trogmoon": "trogmoon", "  Trog  ": "trog", "Zatañña": "zatanna", "Élodie": "elodie", "": "",
		"SkateFarm": "skatefarm", "Ærin": "aerin", "Bjørn": "bjorn", "Çedric": "cedric",
		"Straße": "strasse", "Đorđe": "dorde", "ＴＲＯＧ": "trog",
	} {
		require.Equal(t, want, match.Normalize(in), in)
	}
	require.Equal(t, "obrien", match.Ident("O'Brien"))
	require.Equal(t, "mito", match.Ident("Mito."))
}

// Spec §17.F hint extraction (legacy design vectors, which v2 adopts).
func TestParseNoteHints(t *testing.T) {
	cases := []struct {
		note           string
		discord, owner []string
		key            string
	}{
		{"Discord: Trog", []string{"trog"}, nil, "trog"},
		{"DC: Trog", []string{"trog"}, nil, "trog"},
		{"Disc: Rocket", []string{"rocket"}, nil, "rocket"},
		{"@Shodoom", []string{"shodoom"}, nil, "shodoom"},
		{"alt of Trogmoon", nil, []string{"trogmoon"}, "trogmoon"},
		{"Main: Trogmoon", nil, []string{"trogmoon"}, "trogmoon"},
		{"Discord: Trog.", []string{"trog"}, nil, "trog"},
		{"Rocket's alt", nil, []string{"rocket"}, "rocket"},
		{"discord=Skate, main: Skatefarm", []string{"skate"}, []string{"skatefarm"}, "skate"},
		{"alt for Bob!", nil, []string{"bob"}, "bob"},
		{"", nil, nil, ""},
		{"   ", nil, nil, ""},
		// v2 keys skip the stop-list (W6) instead of grouping on it.
		{"Tank - Rocket", nil, nil, "rocket"},
		{"GM / Mike", nil, nil, "mike"},
		{"Bank", nil, nil, ""},
		{"Rocket's DH waifu", nil, []string{"rocket"}, "rocket"}, // v2: a possessive names the owner
		{"Ned's warr", nil, []string{"ned"}, "ned"},
		{"Lúthiens pally", nil, []string{"luthiens"}, "luthiens"},
		{"Chris", nil, nil, "chris"},
		{"O'Brien", nil, nil, "obrien"},
		{"(Skate)", nil, nil, "skate"},
		{"Zatañña's alt", nil, []string{"zatanna"}, "zatanna"},
	}
	for _, tc := range cases {
		h := match.ParseNote(tc.note)
		require.Equal(t, tc.discord, h.Discord, "discord hints of %q", tc.note)
		require.Equal(t, tc.owner, h.Owner, "owner hints of %q", tc.note)
		require.Equal(t, tc.key, h.Key, "key of %q", tc.note)
	}
	require.Empty(t, match.ParseNote("Just a regular note about raiding").Discord)
	require.Empty(t, match.ParseNote("Just a regular note about raiding").Owner)
}

// Spec §17.F fuzzy scores.
func TestSimilarity(t *testing.T) {
	require.Equal(t, 1.0, match.Similarity("Shodoom", "shodoom"))
	require.Equal(t, 0.5, match.Similarity("Trog", "Trogmoon"))
	require.Equal(t, 0.5, match.Similarity("moon", "Trogmoon"))
	require.InDelta(t, 0.8, match.Similarity("Trogmoon", "Trogmun"), 0.001)
	require.Less(t, match.Similarity("Trogmoon", "Skatefarm"), 0.4)
	require.InDelta(t, 0.353, match.Similarity("Trogmoon", "Skatefarm"), 0.001)
	require.InDelta(t, 0.222, match.Similarity("Alpha", "Beta"), 0.001)
	require.Equal(t, 0.0, match.Similarity("", "test"))
}

// Spec §17.E rerun under v2: the same guild, now with scores. What changes
// (and why): "Discord: Bob" and "Discord: Trog" are no longer grouped under
// the key "discord" (W6) — c8 follows its hint to Trog; c7 names a Bob who
// is not on Discord and stays unlinked; "Sho" and "Rocket's DH" only
// partly match a username, so they become suggestions instead of silent
// links; no stub players are made.
func TestEndToEndVectors(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{
			{ID: 1, Username: "trog", DisplayName: "Trog / Mike"},
			{ID: 2, Username: "rocketman99"},
			{ID: 3, Username: "shodoom", DisplayName: "Shodoom", PlayerID: 7},
		},
		Players: []match.Player{{ID: 7, DisplayName: "Shodoom", DiscordUserID: 3}},
		Characters: []match.Character{
			{ID: 1, Name: "Trogmoon", Note: "Trog's main"},
			{ID: 2, Name: "Trogalt", Note: "trog"},
			{ID: 3, Name: "Rockdh", Note: "Rocket's DH"},
			{ID: 4, Name: "Shosham", Note: "Sho"},
			{ID: 5, Name: "Lonely"},
			{ID: 6, Name: "Shodoom"},
			{ID: 7, Name: "Bobchar", Note: "Discord: Bob"},
			{ID: 8, Name: "Trogpal", Note: "Discord: Trog"},
			{ID: 9, Name: "Mike"},
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	link := func(id int, du int, player int) {
		t.Helper()
		d := got[id]
		require.Equal(t, match.KindLink, d.Kind, "character %d: %+v", id, d)
		require.Equal(t, du, d.Target.DiscordUserID, "character %d", id)
		require.Equal(t, player, d.Target.PlayerID, "character %d", id)
		require.GreaterOrEqual(t, d.Confidence, match.AutoLink)
	}
	link(1, 1, 0) // "Trog's main" → trog
	link(2, 1, 0)
	link(6, 3, 7) // named like the member → the existing player P7
	link(8, 1, 0) // "Discord: Trog"
	link(9, 1, 0) // "Trog / Mike": a part of the display name
	require.Equal(t, match.KindSuggestion, got[3].Kind, "rocket ⊂ rocketman99 is only a suggestion")
	require.Equal(t, 2, got[3].Target.DiscordUserID)
	require.Equal(t, match.KindNone, got[4].Kind, "three letters are too little to go on")
	require.Equal(t, match.KindNone, got[5].Kind)
	require.Equal(t, match.KindNone, got[7].Kind, "Bob is not on Discord")

	// Deterministic: the input order does not matter.
	for i, j := 0, len(in.Characters)-1; i < j; i, j = i+1, j-1 {
		in.Characters[i], in.Characters[j] = in.Characters[j], in.Characters[i]
	}
	for _, d := range match.New(in).Decide() {
		require.Equal(t, got[d.Character.ID], d)
	}
}

func TestAmbiguityAndMargin(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{
			{ID: 1, Username: "sam", DisplayName: "Sam"},
			{ID: 2, Username: "sam_w", DisplayName: "Sam"},
			{ID: 3, Username: "kira"},
			{ID: 4, Username: "kiran"},
		},
		Characters: []match.Character{
			{ID: 1, Name: "Holysam", Note: "Sam"}, // two members called Sam
			{ID: 2, Name: "Kira"},                 // exact beats the near-twin
			{ID: 3, Name: "Kiraa", Note: "alt"},   // close to both: nothing sure
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindSuggestion, got[1].Kind, "a tie is never linked")
	require.Equal(t, match.KindLink, got[2].Kind)
	require.Equal(t, 3, got[2].Target.DiscordUserID)
	require.NotEqual(t, match.KindLink, got[3].Kind)
}

func TestAltOfAnotherCharacter(t *testing.T) {
	in := match.Input{
		Discord: []match.Discord{{ID: 1, Username: "velra"}},
		Players: []match.Player{{ID: 4, DisplayName: "Dunn"}},
		Linked:  map[string][]int{"dunngar": {4}},
		Characters: []match.Character{
			{ID: 1, Name: "Velra"},
			{ID: 2, Name: "Velbank", Note: "alt of Velra"},   // follows Velra's link
			{ID: 3, Name: "Dunnlock", Note: "Dunngar's alt"}, // owned by player 4, no Discord
		},
	}
	got := map[int]match.Decision{}
	for _, d := range match.New(in).Decide() {
		got[d.Character.ID] = d
	}
	require.Equal(t, match.KindLink, got[2].Kind)
	require.Equal(t, 1, got[2].Target.DiscordUserID)
	require.Equal(t, match.KindLink, got[3].Kind)
	require.Equal(t, match.Target{PlayerID: 4}, got[3].Target)
}

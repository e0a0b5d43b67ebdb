package match_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"patt/sync/match"
)

// labelled is sync/testdata/guild_labelled.json (see make_guild.py there).
type labelled struct {
	Discord []struct {
		ID          int     `json:"id"`
		Username    string  `json:"username"`
		DisplayName *string `json:"display_name"`
	} `json:"discord_members"`
	Characters []struct {
		ID          int     `json:"id"`
		Name        string  `json:"name"`
		Realm       string  `json:"realm"`
		Note        string  `json:"note"`
		OfficerNote string  `json:"officer_note"`
		Discord     *string `json:"discord"`
		Evidence    bool    `json:"evidence"`
	} `json:"characters"`
	Existing []struct {
		CharacterID   int `json:"character_id"`
		DiscordUserID int `json:"discord_user_id"`
	} `json:"existing_links"`
}

// Score is the engine's precision and recall on a labelled guild.
type Score struct {
	Links, Correct, Wrong, Suggestions, Labelled int
	Precision, Recall                            float64
	// Evident are the labelled characters whose owner the data shows at
	// all (see make_guild.py); RecallEvident is the recall on them.
	Evident, CorrectEvident int
	RecallEvident           float64
}

// Measure runs the engine on the dataset. Characters an officer already
// linked are inputs (their players), not measured.
func Measure(t testing.TB, path string) (Score, []match.Decision, map[int]string) {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var ds labelled
	require.NoError(t, json.Unmarshal(raw, &ds))

	in := match.Input{Linked: map[string][]int{}, LinkedKeys: map[string][]int{}}
	userOf := map[int]string{}
	for _, d := range ds.Discord {
		disp := ""
		if d.DisplayName != nil {
			disp = *d.DisplayName
		}
		in.Discord = append(in.Discord, match.Discord{ID: d.ID, Username: d.Username, DisplayName: disp})
		userOf[d.ID] = d.Username
	}
	linked := map[int]int{} // character → discord user
	playerOf := map[int]int{}
	for i, l := range ds.Existing {
		linked[l.CharacterID] = l.DiscordUserID
		pid := 1000 + i
		playerOf[pid] = l.DiscordUserID
		var name string
		for _, c := range ds.Characters {
			if c.ID == l.CharacterID {
				name = c.Name
				for _, k := range match.KeyNames(c.Note, c.OfficerNote) {
					in.LinkedKeys[k] = append(in.LinkedKeys[k], pid)
				}
			}
		}
		in.Players = append(in.Players, match.Player{ID: pid, DisplayName: name, DiscordUserID: l.DiscordUserID, CharacterNames: []string{name}})
		in.Linked[match.Ident(name)] = append(in.Linked[match.Ident(name)], pid)
	}
	label := map[int]string{}
	evident := map[int]bool{}
	var sc Score
	for _, c := range ds.Characters {
		if _, ok := linked[c.ID]; ok {
			continue
		}
		in.Characters = append(in.Characters, match.Character{ID: c.ID, Name: c.Name, RealmSlug: c.Realm, Note: c.Note, OfficerNote: c.OfficerNote})
		if c.Discord != nil {
			label[c.ID] = *c.Discord
			sc.Labelled++
			if c.Evidence {
				evident[c.ID] = true
				sc.Evident++
			}
		}
	}
	decisions := match.New(in).Decide()
	for _, d := range decisions {
		switch d.Kind {
		case match.KindSuggestion:
			sc.Suggestions++
		case match.KindLink:
			sc.Links++
			du := d.Target.DiscordUserID
			if du == 0 {
				du = playerOf[d.Target.PlayerID]
			}
			if want, ok := label[d.Character.ID]; ok && userOf[du] == want {
				sc.Correct++
				if evident[d.Character.ID] {
					sc.CorrectEvident++
				}
			} else {
				sc.Wrong++
			}
		}
	}
	if sc.Links > 0 {
		sc.Precision = float64(sc.Correct) / float64(sc.Links)
	}
	if sc.Labelled > 0 {
		sc.Recall = float64(sc.Correct) / float64(sc.Labelled)
	}
	if sc.Evident > 0 {
		sc.RecallEvident = float64(sc.CorrectEvident) / float64(sc.Evident)
	}
	return sc, decisions, label
}

// TestEnginePrecisionAndRecallOnLabelledGuild measures the engine on the
// labelled guild and on a hold-out guild written by the same script with
// another seed (the engine was never tuned on it), and holds both to the
// issue's bar.
//
// Precision = correct links ÷ all links the engine makes (a link to the
// wrong person, or of a character nobody on Discord owns, is wrong).
// Recall = correct links ÷ characters whose owner the data shows: those a
// careful officer could place from the roster, its notes and the Discord
// member list (make_guild.py's evidence_pass — a note naming the account,
// a first name the member's Discord names show or another known character
// of theirs gives, a known main, a name like the account). Characters with
// a blank, "bank" or "alt" note on an unrelated name, or a first name
// nothing else shows, cannot be placed by anyone; the engine must not guess
// them, so they are not counted against it. Recall over every character
// with an owner on Discord is printed too.
func TestEnginePrecisionAndRecallOnLabelledGuild(t *testing.T) {
	for _, file := range []string{"guild_labelled.json", "guild_holdout.json"} {
		sc, decisions, label := Measure(t, "../testdata/"+file)
		t.Logf("identity engine on %s: %d characters to place (%d with an owner on Discord, %d of them with evidence of who), %d links (%d correct, %d wrong), %d suggestions; precision %.1f%%, recall %.1f%% (%d/%d with evidence); %.1f%% of all owned",
			file, len(decisions), sc.Labelled, sc.Evident, sc.Links, sc.Correct, sc.Wrong, sc.Suggestions,
			100*sc.Precision, 100*sc.RecallEvident, sc.CorrectEvident, sc.Evident, 100*sc.Recall)
		for _, d := range decisions {
			if d.Kind == match.KindLink && label[d.Character.ID] == "" {
				t.Logf("%s: link of a character nobody on Discord owns: %+v", file, d)
			}
		}
		require.GreaterOrEqual(t, sc.Precision, 0.98, "%s: precision", file)
		require.GreaterOrEqual(t, sc.RecallEvident, 0.95, "%s: recall on characters with evidence", file)
	}
}

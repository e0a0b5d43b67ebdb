package onboarding

import "strings"

// Reply parsing for members who type instead of clicking (spec
// discord_bot §11.2–§11.4).

var yesWords = map[string]bool{"yes": true, "y": true, "yeah": true, "yep": true, "yea": true, "si": true, "ye": true, "yup": true}
var noWords = map[string]bool{"no": true, "n": true, "nah": true, "nope": true, "not yet": true}

// Answer classifies a typed answer to "are you in the guild?": yes, no, or
// neither (taken as a yes, and the member is told so).
func Answer(s string) (inGuild, understood bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case yesWords[t]:
		return true, true
	case noWords[t]:
		return false, true
	}
	return true, false
}

// CharacterName cleans a typed character name: "Trogmoon-Senjin",
// "Trogmoon - Sen'jin" and "Trogmoon (Druid)" are all Trogmoon.
func CharacterName(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "-"); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "("); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

var noAlts = map[string]bool{"none": true, "no": true, "nope": true, "n/a": true, "na": true, "0": true, "-": true}

// AltNames splits a typed list of alts: comma-separated, each cleaned
// like a main's name, blanks dropped; "none" and friends are no alts.
func AltNames(s string) []string {
	t := strings.TrimSpace(s)
	if noAlts[strings.ToLower(t)] {
		return nil
	}
	var out []string
	for _, part := range strings.Split(t, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		if n := CharacterName(part); n != "" {
			out = append(out, n)
		}
	}
	return out
}

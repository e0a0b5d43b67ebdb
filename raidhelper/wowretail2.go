package raidhelper

import "strings"

// Raid-Helper's "wowretail2" template ("WoW combat roles") signs people up
// by role: a signup's className is the role class (Tank, Healer, Melee,
// Ranged) or a status class without specs (Late, Bench, Tentative,
// Absence); its specName is the template's spec name. Where two classes
// share a spec name the template tells them apart with a trailing "1"
// (Frost1 is the death knight, Holy1 and Protection1 the paladin,
// Restoration1 the shaman) and Beast Mastery is written "Beastmastery"
// (spec scheduling §8.3). Read back from a live event, each class of the
// template's "classes" array carries its specs by these names.
const (
	ClassTank      = "Tank"
	ClassHealer    = "Healer"
	ClassMelee     = "Melee"
	ClassRanged    = "Ranged"
	ClassLate      = "Late"
	ClassBench     = "Bench"
	ClassTentative = "Tentative"
	ClassAbsence   = "Absence"
)

// RoleClasses are the template's role classes in the order of the embed.
var RoleClasses = []string{ClassTank, ClassHealer, ClassMelee, ClassRanged}

// StatusClasses are the template's classes that take no spec.
var StatusClasses = []string{ClassLate, ClassBench, ClassTentative, ClassAbsence}

// WowSpec is a WoW class and specialization by their in-game names.
type WowSpec struct{ Class, Spec string }

// retail2 maps each WoW spec to its role class and template spec name.
var retail2 = map[WowSpec]struct{ Class, Spec string }{
	{"Death Knight", "Blood"}:     {ClassTank, "Blood"},
	{"Demon Hunter", "Vengeance"}: {ClassTank, "Vengeance"},
	{"Druid", "Guardian"}:         {ClassTank, "Guardian"},
	{"Monk", "Brewmaster"}:        {ClassTank, "Brewmaster"},
	{"Paladin", "Protection"}:     {ClassTank, "Protection1"},
	{"Warrior", "Protection"}:     {ClassTank, "Protection"},
	{"Druid", "Restoration"}:      {ClassHealer, "Restoration"},
	{"Evoker", "Preservation"}:    {ClassHealer, "Preservation"},
	{"Monk", "Mistweaver"}:        {ClassHealer, "Mistweaver"},
	{"Paladin", "Holy"}:           {ClassHealer, "Holy1"},
	{"Priest", "Discipline"}:      {ClassHealer, "Discipline"},
	{"Priest", "Holy"}:            {ClassHealer, "Holy"},
	{"Shaman", "Restoration"}:     {ClassHealer, "Restoration1"},
	{"Death Knight", "Frost"}:     {ClassMelee, "Frost1"},
	{"Death Knight", "Unholy"}:    {ClassMelee, "Unholy"},
	{"Demon Hunter", "Havoc"}:     {ClassMelee, "Havoc"},
	{"Druid", "Feral"}:            {ClassMelee, "Feral"},
	{"Hunter", "Survival"}:        {ClassMelee, "Survival"},
	{"Monk", "Windwalker"}:        {ClassMelee, "Windwalker"},
	{"Paladin", "Retribution"}:    {ClassMelee, "Retribution"},
	{"Rogue", "Assassination"}:    {ClassMelee, "Assassination"},
	{"Rogue", "Outlaw"}:           {ClassMelee, "Outlaw"},
	{"Rogue", "Subtlety"}:         {ClassMelee, "Subtlety"},
	{"Shaman", "Enhancement"}:     {ClassMelee, "Enhancement"},
	{"Warrior", "Arms"}:           {ClassMelee, "Arms"},
	{"Warrior", "Fury"}:           {ClassMelee, "Fury"},
	{"Demon Hunter", "Devourer"}:  {ClassRanged, "Devourer"},
	{"Druid", "Balance"}:          {ClassRanged, "Balance"},
	{"Evoker", "Augmentation"}:    {ClassRanged, "Augmentation"},
	{"Evoker", "Devastation"}:     {ClassRanged, "Devastation"},
	{"Hunter", "Beast Mastery"}:   {ClassRanged, "Beastmastery"},
	{"Hunter", "Marksmanship"}:    {ClassRanged, "Marksmanship"},
	{"Mage", "Arcane"}:            {ClassRanged, "Arcane"},
	{"Mage", "Fire"}:              {ClassRanged, "Fire"},
	{"Mage", "Frost"}:             {ClassRanged, "Frost"},
	{"Priest", "Shadow"}:          {ClassRanged, "Shadow"},
	{"Shaman", "Elemental"}:       {ClassRanged, "Elemental"},
	{"Warlock", "Affliction"}:     {ClassRanged, "Affliction"},
	{"Warlock", "Demonology"}:     {ClassRanged, "Demonology"},
	{"Warlock", "Destruction"}:    {ClassRanged, "Destruction"},
}

// byTemplateSpec is retail2 read backwards: a template spec name is unique.
var byTemplateSpec = func() map[string]WowSpec {
	m := map[string]WowSpec{}
	for w, t := range retail2 {
		m[t.Spec] = w
	}
	return m
}()

// TemplateSpec is how a WoW spec is written in the template: its role
// class and spec name; ok is false for a spec the template lacks.
func TemplateSpec(className, specName string) (roleClass, spec string, ok bool) {
	t, ok := retail2[WowSpec{strings.TrimSpace(className), strings.TrimSpace(specName)}]
	return t.Class, t.Spec, ok
}

// WowSpecOf reads a template spec name back into the WoW class and spec.
func WowSpecOf(templateSpec string) (WowSpec, bool) {
	w, ok := byTemplateSpec[strings.TrimSpace(templateSpec)]
	return w, ok
}

// TemplateSpecs lists the template spec names of one role class (for the
// fake's validation and the class list of an event).
func TemplateSpecs(roleClass string) []string {
	var out []string
	for _, t := range retail2 {
		if t.Class == roleClass {
			out = append(out, t.Spec)
		}
	}
	return out
}

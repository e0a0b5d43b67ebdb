package bot

import (
	"github.com/bwmarrin/discordgo"

	"patt/notify"
)

// Discord's component limits.
const (
	maxCustomID    = 100
	maxButtonLabel = 80
	maxOptionText  = 100
	maxOptions     = 25
	maxModalTitle  = 45
	maxInputLabel  = 45
)

var buttonStyles = map[string]discordgo.ButtonStyle{
	"primary": discordgo.PrimaryButton, "secondary": discordgo.SecondaryButton,
	"success": discordgo.SuccessButton, "danger": discordgo.DangerButton, "link": discordgo.LinkButton,
}

// components turns a message's buttons and select menu into action rows.
// It is never nil, so an edit that drops the buttons sends [] (Discord
// keeps the old components when the field is left out).
func components(m notify.Message) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	if len(m.Buttons) > 0 {
		var row discordgo.ActionsRow
		for i, b := range m.Buttons {
			if i == 5 { // five buttons per row
				break
			}
			style, ok := buttonStyles[b.Style]
			if !ok {
				style = discordgo.SecondaryButton
			}
			btn := discordgo.Button{Label: truncate(b.Label, maxButtonLabel), Style: style, Disabled: b.Disabled}
			if b.URL != "" {
				btn.Style, btn.URL = discordgo.LinkButton, b.URL
			} else {
				btn.CustomID = b.ID
			}
			row.Components = append(row.Components, btn)
		}
		rows = append(rows, row)
	}
	if sel := m.Select; sel != nil && len(sel.Options) > 0 {
		menu := discordgo.SelectMenu{MenuType: discordgo.StringSelectMenu, CustomID: sel.ID, Placeholder: truncate(sel.Placeholder, 150)}
		if sel.MinValues > 0 {
			n := sel.MinValues
			menu.MinValues = &n
		}
		menu.MaxValues = sel.MaxValues
		for i, o := range sel.Options {
			if i == maxOptions {
				break
			}
			menu.Options = append(menu.Options, discordgo.SelectMenuOption{Label: truncate(o.Label, maxOptionText),
				Value: o.Value, Description: truncate(o.Description, maxOptionText)})
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{menu}})
	}
	return rows
}

// modalData is the interaction answer that opens a form.
func modalData(m *notify.Modal) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{CustomID: m.ID, Title: truncate(m.Title, maxModalTitle)}
	for _, in := range m.Inputs {
		style := discordgo.TextInputShort
		if in.Paragraph {
			style = discordgo.TextInputParagraph
		}
		d.Components = append(d.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: in.ID, Label: truncate(in.Label, maxInputLabel), Style: style,
				Placeholder: truncate(in.Placeholder, 100), Required: in.Required, MaxLength: in.MaxLength},
		}})
	}
	return d
}

// updateData is the interaction answer that redraws the clicked message.
func updateData(m notify.Message) *discordgo.InteractionResponseData {
	msgs := buildMessages(m)
	d := &discordgo.InteractionResponseData{Content: msgs[0].Content, Embeds: msgs[0].Embeds, Components: components(m)}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	return d
}

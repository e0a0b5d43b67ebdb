package notify

// Button is a clickable button under a message. ID comes back in the
// interaction the click produces; a link button has URL and no ID.
type Button struct {
	ID    string `json:",omitempty"`
	Label string
	// Style is "primary", "secondary", "success", "danger" or "link".
	Style    string `json:",omitempty"`
	URL      string `json:",omitempty"`
	Disabled bool   `json:",omitempty"`
}

// Select is a menu of up to 25 options under a message; the chosen values
// come back in the interaction.
type Select struct {
	ID          string
	Placeholder string `json:",omitempty"`
	Options     []Option
	// MinValues and MaxValues bound how many options may be picked
	// (Discord's default is exactly one).
	MinValues int `json:",omitempty"`
	MaxValues int `json:",omitempty"`
}

// Option is one choice of a Select.
type Option struct {
	Label       string
	Value       string
	Description string `json:",omitempty"`
}

// Modal is a form a member fills in after clicking a button: a title and
// up to five text inputs. Only an interaction can open one.
type Modal struct {
	ID     string
	Title  string
	Inputs []TextInput
}

// TextInput is one field of a Modal.
type TextInput struct {
	ID          string
	Label       string
	Placeholder string
	Paragraph   bool // several lines instead of one
	Required    bool
	MaxLength   int
}

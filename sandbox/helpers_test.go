package sandbox

import "encoding/json"

func json_(s string) (frame, error) {
	var f frame
	err := json.Unmarshal([]byte(s), &f)
	return f, err
}

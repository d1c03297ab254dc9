// Reads a JSON array of YAML texts on stdin and prints, for each, what gopkg.in/yaml.v3 makes of it, as JSON.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

type result struct {
	OK    bool        `json:"ok"`
	Value interface{} `json:"value"`
	Error string      `json:"error,omitempty"`
}

func main() {
	var texts []string
	if err := json.NewDecoder(os.Stdin).Decode(&texts); err != nil {
		fmt.Fprintln(os.Stderr, "stdin must be a JSON array of strings:", err)
		os.Exit(2)
	}
	results := make([]result, len(texts))
	for i, text := range texts {
		results[i] = read(text)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func read(text string) result {
	var value interface{}
	if err := yaml.Unmarshal([]byte(text), &value); err != nil {
		return result{Error: err.Error()}
	}
	// Checked here so one value JSON cannot hold (a non-string key, NaN) fails its own text, not the whole run.
	if _, err := json.Marshal(value); err != nil {
		return result{Error: err.Error()}
	}
	return result{OK: true, Value: value}
}

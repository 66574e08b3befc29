// A Go client of the detail response, as a Go service written against the
// documented types reads and writes it: each line of stdin is one response,
// decoded with encoding/json into the structs below (unknown keys are an
// error) and encoded again with json.Marshal, Go's defaults; each result
// goes to stdout as one line. go_client_test.cc requires the bytes to be
// the ones it sent. Standard library only.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"
)

// OrderItemInfo is the documented item type, in the documented key order.
type OrderItemInfo struct {
	OrderType      string    `json:"order_type"`
	ResourceType   string    `json:"resource_type"`
	ResourceID     string    `json:"resource_id"`
	Region         string    `json:"region"`
	Price          float64   `json:"price"`
	Status         string    `json:"status"`
	LifeStartTime  time.Time `json:"life_start_time"`
	LifeExpireTime time.Time `json:"life_expire_time"`
}

// OrderInfo is the documented order type, in the documented key order.
type OrderInfo struct {
	Order      string          `json:"order"`
	Fee        float64         `json:"fee"`
	CFee       float64         `json:"c_fee"`
	CreateTime time.Time       `json:"create_time"`
	PayTime    time.Time       `json:"pay_time"`
	CancelTime time.Time       `json:"cancel_time"`
	ExpireTime time.Time       `json:"expire_time"`
	Status     string          `json:"status"`
	Items      []OrderItemInfo `json:"items"`
}

// DetailResponse is the response of GET /v1/order/detail/<hash>.
type DetailResponse struct {
	Data      OrderInfo `json:"data"`
	RequestID string    `json:"request_id"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for line := 1; in.Scan(); line++ {
		decoder := json.NewDecoder(bytes.NewReader(in.Bytes()))
		decoder.DisallowUnknownFields()
		var response DetailResponse
		if err := decoder.Decode(&response); err != nil {
			fmt.Fprintf(os.Stderr, "line %d: decoding: %v\n", line, err)
			os.Exit(1)
		}
		encoded, err := json.Marshal(&response)
		if err != nil {
			fmt.Fprintf(os.Stderr, "line %d: encoding: %v\n", line, err)
			os.Exit(1)
		}
		out.Write(encoded)
		out.WriteByte('\n')
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "reading stdin: %v\n", err)
		os.Exit(1)
	}
}

// A deep mutual recursion as Go code has it (encoding/json decoding nested
// arrays goes through two functions per level): os.Args[1] levels of
// even -> odd -> even. Go's stack lives in linear memory, but every Go
// call is also a wasm call, so the wasm stack gets as deep as the Go one
// since its last growth.
package main

import (
	"fmt"
	"os"
	"strconv"
)

type node struct {
	kids []*node
}

//go:noinline
func even(n *node, depth int) int {
	if len(n.kids) == 0 {
		return depth
	}
	return odd(n.kids[0], depth+1)
}

//go:noinline
func odd(n *node, depth int) int {
	if len(n.kids) == 0 {
		return depth
	}
	return even(n.kids[0], depth+1)
}

func main() {
	levels := 100000
	if len(os.Args) > 1 {
		v, err := strconv.Atoi(os.Args[1])
		if err != nil {
			fmt.Println(err)
			os.Exit(2)
		}
		levels = v
	}
	root := &node{}
	for n, i := root, 0; i < levels; i++ {
		k := &node{}
		n.kids = []*node{k}
		n = k
	}
	fmt.Printf("depth %d\n", even(root, 0))
}

// A Go guest (GOOS=wasip1): os.Root and hard links through Go's own WASI
// code. It lays out /work/root (a file, a subdirectory, symbolic links
// inside it, out of it, dangling and looping) next to /work/secret.txt,
// then opens, stats, creates and links through an os.Root and prints every
// error Go reports. Go's os.Root tells an escape ("path escapes from
// parent") from a missing file or a loop by the errno of each step, so
// each line must read as it does under wasmtime. The expected output is
// wasmtime's (checked with its Python bindings).
package main

import (
	"fmt"
	"os"
)

func show(what string, err error) {
	if err == nil {
		fmt.Printf("%s: ok\n", what)
	} else {
		fmt.Printf("%s: %v\n", what, err)
	}
}

func main() {
	must := func(err error) {
		if err != nil {
			fmt.Println("setup:", err)
			os.Exit(1)
		}
	}
	must(os.MkdirAll("/work/root/sub", 0o755))
	must(os.WriteFile("/work/secret.txt", []byte("secret\n"), 0o644))
	must(os.WriteFile("/work/root/inside.txt", []byte("inside\n"), 0o644))
	for _, l := range [][2]string{
		{"../secret.txt", "/work/root/out"},
		{"inside.txt", "/work/root/in"},
		{"loop", "/work/root/loop"},
		{"missing", "/work/root/dangling"},
		{"..", "/work/root/up"},
		{"../inside.txt", "/work/root/sub/back"},
	} {
		must(os.Symlink(l[0], l[1]))
	}

	root, err := os.OpenRoot("/work/root")
	show("OpenRoot", err)
	if err != nil {
		return
	}
	for _, name := range []string{"inside.txt", "in", "sub/back", "out", "loop", "dangling", "up", "up/secret.txt", "../secret.txt", "sub/../inside.txt", "missing", "inside.txt/x"} {
		f, err := root.Open(name)
		show("Open "+name, err)
		if err == nil {
			b := make([]byte, 64)
			n, err := f.Read(b)
			if err == nil {
				fmt.Printf("  read %q\n", b[:n])
			} else {
				fmt.Printf("  read: %v\n", err)
			}
			f.Close()
		}
	}
	for _, name := range []string{"in", "out", "dangling"} {
		_, err := root.Stat(name)
		show("Stat "+name, err)
		_, err = root.Lstat(name)
		show("Lstat "+name, err)
	}
	t, err := root.Readlink("out")
	fmt.Printf("Readlink out: %q %v\n", t, err)
	_, err = root.OpenRoot("up")
	show("OpenRoot up", err)
	_, err = root.OpenFile("out", os.O_WRONLY|os.O_CREATE, 0o644)
	show("Create through out", err)
	_, err = root.OpenFile("dangling", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	show("Create excl dangling", err)

	// Creating and truncating through the root and through a root opened
	// inside it: Go opens directories read-only, with rights that lack
	// PATH_FILESTAT_SET_SIZE, and truncates through them all the same.
	if f, err := root.Create("created.txt"); err == nil {
		_, err = f.WriteString("created\n")
		show("Create created.txt, write", err)
		f.Close()
	} else {
		show("Create created.txt", err)
	}
	show("WriteFile written.txt", root.WriteFile("written.txt", []byte("written\n"), 0o644))
	b, err := root.ReadFile("written.txt")
	fmt.Printf("ReadFile written.txt: %q %v\n", b, err)
	show("Mkdir made", root.Mkdir("made", 0o755))
	if sub, err := root.OpenRoot("sub"); err == nil {
		show("sub: WriteFile f", sub.WriteFile("f", []byte("in sub\n"), 0o644))
		show("sub: WriteFile f again (truncating)", sub.WriteFile("f", []byte("x\n"), 0o644))
		b, err := sub.ReadFile("f")
		fmt.Printf("sub: ReadFile f: %q %v\n", b, err)
		_, err = sub.Open("back")
		show("sub: Open back", err)
		_, err = sub.Open("../inside.txt")
		show("sub: Open ../inside.txt", err)
		show("sub: Remove f", sub.Remove("f"))
		sub.Close()
	} else {
		show("OpenRoot sub", err)
	}
	for _, name := range []string{"created.txt", "written.txt", "made"} {
		show("Remove "+name, root.Remove(name))
	}

	// Hard links: inside the root, out of it, and from a symlink.
	show("Link inside.txt hard", root.Link("inside.txt", "hard"))
	if fi, err := root.Stat("hard"); err == nil {
		fmt.Printf("  hard size %d\n", fi.Size())
	}
	show("Link ../secret.txt", root.Link("../secret.txt", "stolen"))
	show("Link out", root.Link("out", "outlink"))
	show("Link inside.txt to ../planted", root.Link("inside.txt", "../planted"))
	show("Link inside.txt to up/planted", root.Link("inside.txt", "up/planted"))
	show("Link hard again", root.Link("inside.txt", "hard"))
	show("Link sub", root.Link("sub", "subhard"))
	show("os.Link", os.Link("/work/root/inside.txt", "/work/hard2"))
	fi1, _ := os.Stat("/work/root/inside.txt")
	fi2, _ := os.Stat("/work/hard2")
	fmt.Println("  same file:", fi1 != nil && fi2 != nil && os.SameFile(fi1, fi2))
	show("Remove hard", root.Remove("hard"))
	root.Close()
	entries, _ := os.ReadDir("/work")
	for _, e := range entries {
		fmt.Println("left:", e.Name())
	}
	must(os.RemoveAll("/work"))
}

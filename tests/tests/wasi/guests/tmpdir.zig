//! A Zig guest (Zig 0.17's std.Io): the round trip of `std.testing.tmpDir`
//! and a test that uses it, through Zig's own WASI code. tmpDir makes
//! `.zig-cache/tmp/<random>` under the first preopen and opens it with
//! rights of Zig's choosing; the files in it are then created, written,
//! read back, listed, renamed and deleted, and the tree removed. Each step
//! prints `ok` or the error Zig reports.
const std = @import("std");
const Io = std.Io;

var out: *Io.Writer = undefined;

fn report(step: []const u8, result: anytype) void {
    if (result) |_| {
        out.print("{s}: ok\n", .{step}) catch {};
    } else |e| {
        out.print("{s}: {s}\n", .{ step, @errorName(e) }) catch {};
    }
}

pub fn main(init: std.process.Init) !void {
    const io = init.io;
    var buf: [1024]u8 = undefined;
    var fw: Io.File.Writer = .init(.stdout(), io, &buf);
    out = &fw.interface;
    defer out.flush() catch {};

    // What tmpDir does (its sub_path is random; a fixed one keeps the
    // output stable).
    const cwd = Io.Dir.cwd();
    var cache = cwd.createDirPathOpen(io, ".zig-cache", .{}) catch |e| return report("open .zig-cache", @as(anyerror!void, e));
    var parent = cache.createDirPathOpen(io, "tmp", .{}) catch |e| return report("open tmp", @as(anyerror!void, e));
    var tmp = parent.createDirPathOpen(io, "AAAAAAAAAAAA", .{ .open_options = .{ .iterate = true } }) catch |e| return report("open tmp dir", @as(anyerror!void, e));
    report("tmpDir", @as(anyerror!void, {}));

    // A file: create, write, read back through the same handle.
    if (tmp.createFile(io, "file.txt", .{ .read = true })) |f| {
        defer f.close(io);
        report("write", f.writePositionalAll(io, "hello, tmpdir\n", 0));
        var rb: [64]u8 = undefined;
        if (f.readPositionalAll(io, &rb, 0)) |n| {
            out.print("read back: {s}", .{rb[0..n]}) catch {};
        } else |e| report("read", @as(anyerror!void, e));
        if (f.stat(io)) |st| {
            out.print("size {d}\n", .{st.size}) catch {};
        } else |e| report("stat", @as(anyerror!void, e));
    } else |e| report("createFile", @as(anyerror!void, e));

    // writeFile / readFile, a subdirectory, access checks.
    report("writeFile", tmp.writeFile(io, .{ .sub_path = "second.txt", .data = "second\n" }));
    var rb2: [64]u8 = undefined;
    if (tmp.readFile(io, "second.txt", &rb2)) |data| {
        out.print("readFile: {s}", .{data}) catch {};
    } else |e| report("readFile", @as(anyerror!void, e));
    report("createDir sub", tmp.createDir(io, "sub", .default_dir));
    if (tmp.openDir(io, "sub", .{})) |sub| {
        report("writeFile sub/inner.txt", sub.writeFile(io, .{ .sub_path = "inner.txt", .data = "inner\n" }));
        sub.close(io);
    } else |e| report("openDir sub", @as(anyerror!void, e));
    report("access file.txt read", tmp.access(io, "file.txt", .{ .read = true }));
    report("rename second.txt", tmp.rename("second.txt", tmp, "sub/renamed.txt", io));
    report("statFile sub/renamed.txt", tmp.statFile(io, "sub/renamed.txt", .{}));
    report("openFile second.txt", tmp.openFile(io, "second.txt", .{}));

    // The listing, sorted (directory order is the filesystem's).
    var names: [8][]const u8 = undefined;
    var count: usize = 0;
    var it = tmp.iterate();
    while (it.next(io) catch |e| blk: {
        report("iterate", @as(anyerror!void, e));
        break :blk null;
    }) |entry| {
        if (count < names.len) {
            names[count] = init.arena.allocator().dupe(u8, entry.name) catch entry.name;
            count += 1;
        }
    }
    std.mem.sort([]const u8, names[0..count], {}, struct {
        fn lt(_: void, a: []const u8, b: []const u8) bool {
            return std.mem.lessThan(u8, a, b);
        }
    }.lt);
    for (names[0..count]) |n| out.print("entry {s}\n", .{n}) catch {};

    // Cleanup as a test does it: delete the file, then the trees.
    report("deleteFile", tmp.deleteFile(io, "file.txt"));
    report("deleteFile again", tmp.deleteFile(io, "file.txt"));
    tmp.close(io);
    report("deleteTree tmp dir", parent.deleteTree(io, "AAAAAAAAAAAA"));
    parent.close(io);
    cache.close(io);
    report("deleteTree .zig-cache", cwd.deleteTree(io, ".zig-cache"));
}

//! The one-pass reading of a well-formed tag list: what nearly every `If-Match` and
//! `If-None-Match` is. Each byte is looked at once, and each member becomes an [`EntityTag`]
//! without being split out, trimmed and parsed again. Anything unusual (a `*`, a bad byte, a
//! missing quote, a field with no member) declines, and the caller parses the field the careful
//! way, which says what is wrong; so the two readings can never disagree on a field this one
//! accepts.

use crate::entity_tag::{EntityTag, is_etagc};

/// `etagc` (RFC 9110 §8.8.3) as a table: one load per byte in the hot loop.
const ETAGC: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = is_etagc(byte as u8);
        byte += 1;
    }
    table
};

/// The tags of the field's `lines` read as one list (RFC 9110 §5.3), when every member is a valid
/// entity tag and there is at least one; `None` otherwise.
pub(crate) fn well_formed_tags<'a>(
    lines: impl IntoIterator<Item = &'a [u8]>,
) -> Option<Vec<EntityTag>> {
    let mut tags = Vec::new();
    for line in lines {
        scan_line(line, &mut tags)?;
    }
    (!tags.is_empty()).then_some(tags)
}

/// Appends the members of one line to `tags`; `None` at the first thing that is not
/// `OWS [W/]"etagc*" OWS` between commas.
fn scan_line(line: &[u8], tags: &mut Vec<EntityTag>) -> Option<()> {
    // Room for members of 16 bytes: a derived tag and its separator take 36, so a list of them
    // never reallocates, and a list of short version tags grows as usual. (Counting the members
    // first would cost as much as the reallocations it saves.)
    tags.reserve(line.len() / 16);
    let mut at = 0;
    loop {
        // Separators: empty elements and optional whitespace around commas (§5.6.1).
        while let Some(b' ' | b'\t' | b',') = line.get(at) {
            at += 1;
        }
        if at == line.len() {
            return Some(());
        }
        let weak = line[at..].starts_with(b"W/");
        if weak {
            at += 2;
        }
        if line.get(at) != Some(&b'"') {
            return None;
        }
        let start = at + 1;
        let end = start + etagc_run(&line[start..]);
        if line.get(end) != Some(&b'"') {
            return None;
        }
        tags.push(EntityTag::from_valid_parts(weak, &line[start..end]));
        at = end + 1;
        while let Some(b' ' | b'\t') = line.get(at) {
            at += 1;
        }
        match line.get(at) {
            None => return Some(()),
            Some(b',') => at += 1,
            Some(_) => return None,
        }
    }
}

/// How many bytes at the start of `bytes` are `etagc`: eight at a time, then one at a time.
fn etagc_run(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<8>();
    let mut run = 0;
    for word in words {
        let stops = non_etagc_bytes(u64::from_le_bytes(*word));
        if stops != 0 {
            return run + (stops.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + tail
        .iter()
        .position(|&byte| !ETAGC[usize::from(byte)])
        .unwrap_or(tail.len())
}

/// The high bit of each byte of `word` that is not `etagc` (below `!`, `"`, or DEL), at least for
/// the lowest such byte: a borrow may flag bytes above it too, never one below it.
const fn non_etagc_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Bytes below 0x21 (a byte of 0x80 or more never counts: `!word` clears its high bit).
    let below_bang = word.wrapping_sub(ONES * 0x21) & !word & HIGHS;
    const fn zero_in(v: u64) -> u64 {
        v.wrapping_sub(ONES) & !v & HIGHS
    }
    below_bang | zero_in(word ^ (ONES * 0x22)) | zero_in(word ^ (ONES * 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::list::split_list;

    /// Asserts that the scan reads `line` as the careful reading does (split, then parse each
    /// member): the same tags where it accepts, and a decline wherever that finds a problem.
    fn assert_agrees(line: &[u8]) {
        let careful: Result<Vec<_>, _> = split_list(line).map(EntityTag::parse).collect();
        assert_eq!(
            well_formed_tags([line]),
            careful.ok().filter(|tags| !tags.is_empty()),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }

    #[test]
    fn reads_lists_as_the_careful_reading_does() {
        for line in [
            &b"\"a\""[..],
            b"W/\"a\", \"b\"",
            b" \"a\" ,, \t\"b,c\"\t,",
            b"\"\"",
            b"\"a\"\"b\"",
            b"\"a\" \"b\"",
            b"w/\"a\"",
            b"*",
            b"\"a\", *",
            b"\"a",
            b"\"a\x7f\"",
            b"",
            b" , ",
        ] {
            assert_agrees(line);
        }
    }

    /// Every line of up to five bytes over the bytes that matter: wherever this reading accepts,
    /// it agrees with the careful one, and it accepts every line the careful one reads whole.
    #[test]
    fn agrees_with_the_careful_reading_on_every_short_line() {
        const ALPHABET: &[u8] = b"\"W/a, \t*w\x7f";
        let mut line = Vec::new();
        for length in 0..=5u32 {
            for mut index in 0..ALPHABET.len().pow(length) {
                line.clear();
                for _ in 0..length {
                    line.push(ALPHABET[index % ALPHABET.len()]);
                    index /= ALPHABET.len();
                }
                assert_agrees(&line);
            }
        }
    }

    /// The word-at-a-time scan stops exactly where the byte-at-a-time one does, for every byte
    /// at every position of a word and in the tail.
    #[test]
    fn the_etagc_run_stops_at_the_first_byte_that_is_not_etagc() {
        let slow = |bytes: &[u8]| {
            bytes
                .iter()
                .position(|&byte| !is_etagc(byte))
                .unwrap_or(bytes.len())
        };
        for length in 0..20 {
            for position in 0..length {
                for byte in 0..=255u8 {
                    let mut bytes = vec![b'a'; length];
                    bytes[position] = byte;
                    // A second stop after the first must not move the answer.
                    if position + 1 < length {
                        bytes[length - 1] = b'"';
                    }
                    assert_eq!(etagc_run(&bytes), slow(&bytes), "{bytes:?}");
                }
            }
        }
        assert_eq!(
            etagc_run(&[0x80, 0xff, 0x21, 0x7e, 0x23, b'~', b'!', 0xc3, b'x']),
            9
        );
    }

    #[test]
    fn several_lines_are_one_list() {
        let lines = [&b"\"a\", W/\"b\""[..], b" \"c\" "];
        let tags = well_formed_tags(lines).expect("well formed");
        let expected: Vec<EntityTag> = ["\"a\"", "W/\"b\"", "\"c\""]
            .iter()
            .map(|tag| EntityTag::parse(tag.as_bytes()).expect("valid"))
            .collect();
        assert_eq!(tags, expected);
        assert_eq!(well_formed_tags([&b"\"a\""[..], b"x"]), None);
    }
}

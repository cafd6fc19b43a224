//! Writing a JSON value in the layout (the payload, before zstd).

use super::layout::*;
use super::limits::{MAX_DECODED_BYTES, MAX_DEPTH, NODE, STRING, WORD};
use super::CodecError;
use serde_json::{Number, Value};
use std::collections::HashMap;

pub(super) fn to_payload(value: &Value) -> Result<Vec<u8>, CodecError> {
    let mut e = Encoder { out: Vec::new(), dict: HashMap::new(), depth: 0, size: NODE };
    e.value(value, &mut Prev::default())?;
    if e.size > MAX_DECODED_BYTES {
        return Err(CodecError::TooLarge(MAX_DECODED_BYTES));
    }
    Ok(e.out)
}

pub(super) struct Encoder<'v> {
    pub(super) out: Vec<u8>,
    pub(super) dict: HashMap<&'v str, u64>,
    pub(super) depth: usize,
    /// Decoded size of the message, counted exactly as the decoder will count it.
    pub(super) size: usize,
}

impl<'v> Encoder<'v> {
    fn enter(&mut self) -> Result<(), CodecError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CodecError::TooDeep(MAX_DEPTH));
        }
        Ok(())
    }

    pub(super) fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    pub(super) fn len(&mut self, n: usize) {
        self.varint(n as u64);
    }

    fn bitmap(&mut self, bits: impl Iterator<Item = bool>) {
        let (mut byte, mut n) = (0u8, 0);
        for b in bits {
            byte |= u8::from(b) << (n % 8);
            n += 1;
            if n % 8 == 0 {
                self.out.push(byte);
                byte = 0;
            }
        }
        if n % 8 != 0 {
            self.out.push(byte);
        }
    }

    fn string(&mut self, s: &'v str, col: &mut Prev) {
        self.size += s.len();
        if let Some(&i) = self.dict.get(s) {
            self.varint(S_REF + zigzag(i as i64 - col.reference as i64));
            col.reference = i;
            return;
        }
        if let Some(u) = as_uuid(s) {
            let b = u.as_bytes();
            if is_v7(b) {
                let mut ms = [0u8; 8];
                ms[2..].copy_from_slice(&b[..6]);
                let ms = i64::from_be_bytes(ms);
                self.varint(S_UUID7);
                self.varint(zigzag(ms - col.uuid_ms));
                self.out.extend_from_slice(&b[6..]);
                col.uuid_ms = ms;
            } else {
                self.varint(S_UUID);
                self.out.extend_from_slice(b);
            }
        } else if let Some((secs, nanos)) = as_time(s) {
            self.varint(S_TIME);
            self.varint(zigzag(secs.wrapping_sub(col.time_secs)));
            self.varint(nanos.into());
            col.time_secs = secs;
            return;
        } else {
            self.varint(S_LITERAL);
            self.len(s.len());
            self.out.extend_from_slice(s.as_bytes());
            if s.len() < DICT_MIN_LEN {
                return;
            }
        }
        let next = self.dict.len() as u64;
        self.dict.insert(s, next);
        // The decoder keeps a copy in its dictionary.
        self.size += STRING + s.len();
    }

    pub(super) fn value(&mut self, v: &'v Value, col: &mut Prev) -> Result<(), CodecError> {
        self.enter()?;
        match v {
            Value::Null => self.out.push(V_NULL),
            Value::Bool(b) => self.out.push(if *b { V_TRUE } else { V_FALSE }),
            Value::Number(n) => self.number(n),
            Value::String(s) => {
                self.out.push(V_STRING);
                self.string(s, col);
            }
            Value::Array(a) => {
                self.out.push(V_ARRAY);
                self.len(a.len());
                self.column(&a.iter().collect::<Vec<_>>())?;
            }
            Value::Object(m) => {
                self.out.push(V_OBJECT);
                self.len(m.len());
                self.size += 2 * NODE * m.len();
                let mut keys = Prev::default();
                for (k, x) in m {
                    self.string(k, &mut keys);
                    self.value(x, &mut Prev::default())?;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            self.out.push(V_UINT);
            self.varint(u);
        } else if let Some(i) = n.as_i64() {
            self.out.push(V_NEG);
            self.varint(!(i as u64));
        } else if let Some(f) = n.as_f64() {
            if let Some((mantissa, scale)) = as_decimal(f) {
                self.out.push(V_DECIMAL);
                self.varint(zigzag(mantissa));
                self.out.push(scale);
            } else {
                self.out.push(V_F64);
                self.out.extend_from_slice(&f.to_le_bytes());
            }
        }
    }

    fn column(&mut self, rows: &[&'v Value]) -> Result<(), CodecError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.enter()?;
        self.size += NODE * rows.len();
        let nulls = rows.iter().filter(|v| v.is_null()).count();
        let int = |v: &&Value| v.as_number().filter(|n| !n.is_f64()).and_then(Number::as_i64);
        if nulls == rows.len() {
            self.out.push(C_NULLS);
        } else if nulls > 0 {
            self.out.push(C_NULLABLE);
            self.size += rows.len();
            self.bitmap(rows.iter().map(|v| !v.is_null()));
            let present: Vec<&Value> = rows.iter().copied().filter(|v| !v.is_null()).collect();
            self.column(&present)?;
        } else if rows.iter().all(|v| v.is_boolean()) {
            self.out.push(C_BOOLS);
            self.size += rows.len();
            self.bitmap(rows.iter().map(|v| v.as_bool() == Some(true)));
        } else if let Some(ints) = rows.iter().map(int).collect::<Option<Vec<i64>>>() {
            self.ints(&ints);
        } else if rows.iter().all(|v| v.is_string()) {
            self.out.push(C_STRINGS);
            let mut col = Prev::default();
            for s in rows.iter().filter_map(|v| v.as_str()) {
                self.string(s, &mut col);
            }
        } else if rows.iter().all(|v| v.is_object()) {
            self.objects(rows)?;
        } else if rows.iter().all(|v| v.is_array()) {
            self.out.push(C_ARRAYS);
            self.size += WORD * rows.len();
            let mut items = Vec::new();
            for a in rows.iter().filter_map(|v| v.as_array()) {
                self.len(a.len());
                items.extend(a.iter());
            }
            self.column(&items)?;
        } else {
            self.out.push(C_VALUES);
            let mut col = Prev::default();
            for v in rows {
                self.value(v, &mut col)?;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// Integers, plain or as deltas from the previous row, whichever is shorter.
    fn ints(&mut self, ints: &[i64]) {
        let varint_len = |v: u64| (64 - v.leading_zeros()).max(1).div_ceil(7) as usize;
        let plain: Vec<u64> = ints.iter().map(|&v| zigzag(v)).collect();
        let deltas: Vec<u64> = ints.iter().scan(0i64, |prev, &v| Some(zigzag(v.wrapping_sub(std::mem::replace(prev, v))))).collect();
        let delta = deltas.iter().map(|&v| varint_len(v)).sum::<usize>() < plain.iter().map(|&v| varint_len(v)).sum::<usize>();
        self.out.push(C_INTS);
        self.out.push(u8::from(delta));
        for v in if delta { deltas } else { plain } {
            self.varint(v);
        }
    }

    /// Objects column by column: the keys once, each row's shape (which keys, in which
    /// order), then for each key the column of its values.
    fn objects(&mut self, rows: &[&'v Value]) -> Result<(), CodecError> {
        let mut keys: Vec<&'v str> = Vec::new();
        let mut key_index: HashMap<&'v str, usize> = HashMap::new();
        let mut shapes: Vec<Vec<usize>> = Vec::new();
        let mut shape_index: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut row_shapes = Vec::with_capacity(rows.len());
        for m in rows.iter().filter_map(|v| v.as_object()) {
            let shape: Vec<usize> = m
                .keys()
                .map(|k| {
                    *key_index.entry(k.as_str()).or_insert_with(|| {
                        keys.push(k.as_str());
                        keys.len() - 1
                    })
                })
                .collect();
            let next = shapes.len();
            row_shapes.push(*shape_index.entry(shape.clone()).or_insert_with(|| {
                shapes.push(shape);
                next
            }));
        }
        self.out.push(C_OBJECTS);
        // The decoder's key list, shapes, row shapes and per-shape and per-key counts.
        self.size += STRING * keys.len()
            + shapes.iter().map(|s| STRING + WORD * s.len()).sum::<usize>()
            + WORD * (rows.len() + shapes.len() + keys.len());
        self.len(keys.len());
        let mut key_col = Prev::default();
        for k in &keys {
            self.string(k, &mut key_col);
        }
        self.len(shapes.len());
        for shape in &shapes {
            self.len(shape.len());
            shape.iter().for_each(|&k| self.len(k));
        }
        if shapes.len() > 1 {
            row_shapes.iter().for_each(|&s| self.len(s));
        }
        for k in &keys {
            let values: Vec<&Value> = rows.iter().filter_map(|v| v.get(k)).collect();
            self.size += values.len() * (NODE + k.len());
            self.column(&values)?;
        }
        Ok(())
    }
}

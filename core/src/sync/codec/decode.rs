//! Reading a payload back into a JSON value, charging every allocation to the budget
//! (see `limits`) before making it.

use super::layout::*;
use super::limits::{MAX_DEPTH, NODE, STRING, WORD};
use super::CodecError;
use serde_json::{Map, Number, Value};

pub(super) fn from_payload(payload: &[u8], limit: usize) -> Result<Value, CodecError> {
    let budget = limit.checked_sub(NODE).ok_or(CodecError::TooLarge(limit))?;
    let mut d = Decoder { input: payload, dict: Vec::new(), depth: 0, budget, limit };
    let v = d.value(&mut Prev::default())?;
    if !d.input.is_empty() {
        return Err(CodecError::Corrupt("bytes after the message"));
    }
    Ok(v)
}

struct Decoder<'b> {
    input: &'b [u8],
    dict: Vec<String>,
    depth: usize,
    /// Decoded size the message may still take.
    budget: usize,
    /// The whole budget (for the error).
    limit: usize,
}

impl Decoder<'_> {
    fn enter(&mut self) -> Result<(), CodecError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CodecError::TooDeep(MAX_DEPTH));
        }
        Ok(())
    }

    /// Count `n` items of `each` bytes against the budget (before allocating them).
    fn charge(&mut self, n: usize, each: usize) -> Result<(), CodecError> {
        let limit = self.limit;
        let bytes = n.checked_mul(each).ok_or(CodecError::TooLarge(limit))?;
        self.budget = self.budget.checked_sub(bytes).ok_or(CodecError::TooLarge(limit))?;
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        if n > self.input.len() {
            return Err(CodecError::Corrupt("truncated"));
        }
        let (head, rest) = self.input.split_at(n);
        self.input = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                break;
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(CodecError::Corrupt("varint too long"))
    }

    /// A count of things still to decode: more than the budget cannot fit.
    fn len(&mut self) -> Result<usize, CodecError> {
        let n = self.varint()?;
        usize::try_from(n).ok().filter(|&n| n <= self.budget).ok_or(CodecError::TooLarge(self.limit))
    }

    /// An index below `bound`.
    fn index(&mut self, bound: usize) -> Result<usize, CodecError> {
        let i = self.varint()?;
        usize::try_from(i).ok().filter(|&i| i < bound).ok_or(CodecError::Corrupt("index out of range"))
    }

    fn bitmap(&mut self, n: usize) -> Result<Vec<bool>, CodecError> {
        self.charge(n, 1)?;
        let bytes = self.take(n.div_ceil(8))?;
        Ok((0..n).map(|i| bytes[i / 8] >> (i % 8) & 1 == 1).collect())
    }

    fn string(&mut self, col: &mut Prev) -> Result<String, CodecError> {
        let h = self.varint()?;
        let s = match h {
            S_LITERAL => {
                let n = self.len()?;
                let text = std::str::from_utf8(self.take(n)?).map_err(|_| CodecError::Corrupt("text is not UTF-8"))?.to_owned();
                if n < DICT_MIN_LEN {
                    self.charge(1, n)?;
                    return Ok(text);
                }
                text
            }
            S_UUID => {
                let mut b = [0u8; 16];
                b.copy_from_slice(self.take(16)?);
                uuid::Uuid::from_bytes(b).hyphenated().to_string()
            }
            S_UUID7 => {
                let ms = col.uuid_ms.checked_add(unzigzag(self.varint()?)).filter(|ms| (0..1 << 48).contains(ms));
                let ms = ms.ok_or(CodecError::Corrupt("uuid time out of range"))?;
                let mut b = [0u8; 16];
                b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
                b[6..].copy_from_slice(self.take(10)?);
                col.uuid_ms = ms;
                uuid::Uuid::from_bytes(b).hyphenated().to_string()
            }
            S_TIME => {
                let secs = col.time_secs.wrapping_add(unzigzag(self.varint()?));
                let nanos = u32::try_from(self.varint()?).map_err(|_| CodecError::Corrupt("time out of range"))?;
                let text = format_time(secs, nanos).ok_or(CodecError::Corrupt("time out of range"))?;
                col.time_secs = secs;
                self.charge(1, text.len())?;
                return Ok(text);
            }
            _ => {
                let i = (col.reference as i64).wrapping_add(unzigzag(h - S_REF));
                let len = usize::try_from(i).ok().and_then(|i| self.dict.get(i)).map(String::len);
                let len = len.ok_or(CodecError::Corrupt("unknown string reference"))?;
                self.charge(1, len)?;
                col.reference = i as u64;
                return Ok(self.dict[i as usize].clone());
            }
        };
        // The returned text, and the dictionary's copy.
        self.charge(1, s.len())?;
        self.charge(1, STRING + s.len())?;
        self.dict.push(s.clone());
        Ok(s)
    }

    fn value(&mut self, col: &mut Prev) -> Result<Value, CodecError> {
        self.enter()?;
        let tag = self.byte()?;
        let v = match tag {
            V_NULL => Value::Null,
            V_FALSE | V_TRUE => Value::Bool(tag == V_TRUE),
            V_UINT => Value::from(self.varint()?),
            V_NEG => {
                let v = self.varint()?;
                let v = i64::try_from(v).map_err(|_| CodecError::Corrupt("negative number out of range"))?;
                Value::from(!v)
            }
            V_F64 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(self.take(8)?);
                float(f64::from_le_bytes(b))?
            }
            V_DECIMAL => {
                let mantissa = unzigzag(self.varint()?);
                let scale = self.byte()?;
                float(decimal(mantissa, scale).ok_or(CodecError::Corrupt("bad decimal"))?)?
            }
            V_STRING => Value::String(self.string(col)?),
            V_ARRAY => {
                let n = self.len()?;
                Value::Array(self.column(n)?)
            }
            V_OBJECT => {
                let n = self.len()?;
                self.charge(n, 2 * NODE)?;
                let mut m = Map::new();
                let mut keys = Prev::default();
                for _ in 0..n {
                    let k = self.string(&mut keys)?;
                    let x = self.value(&mut Prev::default())?;
                    if m.insert(k, x).is_some() {
                        return Err(CodecError::Corrupt("repeated key"));
                    }
                }
                Value::Object(m)
            }
            _ => return Err(CodecError::Corrupt("unknown value tag")),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn column(&mut self, n: usize) -> Result<Vec<Value>, CodecError> {
        if n == 0 {
            return Ok(Vec::new());
        }
        self.enter()?;
        self.charge(n, NODE)?;
        let rows = match self.byte()? {
            C_VALUES => {
                let mut col = Prev::default();
                (0..n).map(|_| self.value(&mut col)).collect::<Result<_, _>>()?
            }
            C_NULLS => vec![Value::Null; n],
            C_NULLABLE => {
                let present = self.bitmap(n)?;
                let mut values = self.column(present.iter().filter(|&&p| p).count())?.into_iter();
                present.into_iter().map(|p| if p { values.next().unwrap_or(Value::Null) } else { Value::Null }).collect()
            }
            C_BOOLS => self.bitmap(n)?.into_iter().map(Value::Bool).collect(),
            C_INTS => {
                let delta = match self.byte()? {
                    0 => false,
                    1 => true,
                    _ => return Err(CodecError::Corrupt("unknown integer mode")),
                };
                let mut prev = 0i64;
                let mut out = Vec::with_capacity(n);
                for _ in 0..n {
                    let v = unzigzag(self.varint()?);
                    prev = if delta { prev.wrapping_add(v) } else { v };
                    out.push(Value::from(prev));
                }
                out
            }
            C_STRINGS => {
                let mut col = Prev::default();
                (0..n).map(|_| self.string(&mut col).map(Value::String)).collect::<Result<_, _>>()?
            }
            C_OBJECTS => self.objects(n)?,
            C_ARRAYS => {
                self.charge(n, WORD)?;
                let mut lens = Vec::with_capacity(n);
                let mut total = 0usize;
                for _ in 0..n {
                    let len = self.len()?;
                    total = total.checked_add(len).ok_or(CodecError::TooLarge(self.limit))?;
                    lens.push(len);
                }
                let mut items = self.column(total)?.into_iter();
                lens.into_iter().map(|len| Value::Array(items.by_ref().take(len).collect())).collect()
            }
            _ => return Err(CodecError::Corrupt("unknown column kind")),
        };
        self.depth -= 1;
        Ok(rows)
    }

    fn objects(&mut self, n: usize) -> Result<Vec<Value>, CodecError> {
        let key_count = self.len()?;
        self.charge(key_count, STRING + WORD)?;
        let mut keys = Vec::new();
        let mut key_col = Prev::default();
        for _ in 0..key_count {
            keys.push(self.string(&mut key_col)?);
        }
        let shape_count = self.index(n + 1)?;
        if shape_count == 0 {
            return Err(CodecError::Corrupt("objects without a shape"));
        }
        // Shapes, row shapes and per-shape counts (per-key counts were charged with the keys).
        self.charge(shape_count, STRING + WORD)?;
        self.charge(n, WORD)?;
        let mut shapes = Vec::new();
        for _ in 0..shape_count {
            let len = self.index(key_count + 1)?;
            self.charge(len, WORD)?;
            let shape = (0..len).map(|_| self.index(key_count)).collect::<Result<Vec<_>, _>>()?;
            let mut sorted = shape.clone();
            sorted.sort_unstable();
            if sorted.windows(2).any(|w| w[0] == w[1]) {
                return Err(CodecError::Corrupt("repeated key"));
            }
            shapes.push(shape);
        }
        let row_shapes = if shape_count > 1 { (0..n).map(|_| self.index(shape_count)).collect::<Result<_, _>>()? } else { vec![0; n] };
        let mut per_shape = vec![0usize; shape_count];
        for &s in &row_shapes {
            per_shape[s] += 1;
        }
        let mut per_key = vec![0usize; key_count];
        for (shape, rows) in shapes.iter().zip(per_shape) {
            for &k in shape {
                per_key[k] += rows;
            }
        }
        let mut columns = Vec::with_capacity(key_count);
        for (k, &count) in per_key.iter().enumerate() {
            self.charge(count, NODE + keys[k].len())?;
            columns.push(self.column(count)?.into_iter());
        }
        let mut rows = Vec::with_capacity(n);
        for s in row_shapes {
            let mut m = Map::new();
            for &k in &shapes[s] {
                let v = columns[k].next().ok_or(CodecError::Corrupt("short column"))?;
                m.insert(keys[k].clone(), v);
            }
            rows.push(Value::Object(m));
        }
        Ok(rows)
    }
}

fn float(f: f64) -> Result<Value, CodecError> {
    Number::from_f64(f).map(Value::Number).ok_or(CodecError::Corrupt("not a finite number"))
}

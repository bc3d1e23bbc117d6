/** A price in fen drawn as ¥yuan (integer arithmetic in money.wxs, the same as utils/format). */
Component({
  properties: {
    fen: { type: Number, value: 0 },
    size: { type: String, value: 'medium' },
    strike: { type: Boolean, value: false },
  },
})

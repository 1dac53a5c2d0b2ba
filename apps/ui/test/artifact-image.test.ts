// The size an SVG artifact is drawn at in its canvas.
import { describe, expect, it } from 'vitest';
import { SVG_MAX_SIDE, svgDrawSize } from '../src/artifact-image.js';

describe('svgDrawSize', () => {
  it('keeps a small SVG\'s size, scales a big one down to SVG_MAX_SIDE, and gives one without a size 300 x 150', () => {
    expect(svgDrawSize(120, 60)).toEqual([120, 60]);
    expect(svgDrawSize(SVG_MAX_SIDE * 2, SVG_MAX_SIDE)).toEqual([SVG_MAX_SIDE, SVG_MAX_SIDE / 2]);
    expect(svgDrawSize(0, 0)).toEqual([300, 150]);
  });
});

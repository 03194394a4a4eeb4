import { formatPhone } from './phone';

describe('formatPhone', () => {
  it('writes numbers of our markets as their people do', () => {
    expect(formatPhone('+33199001001')).toBe('+33 1 99 00 10 01');
    expect(formatPhone('+14165550100')).toBe('+1 416-555-0100');
    expect(formatPhone('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhone('+447700900123')).toBe('+44 7700 900123');
    expect(formatPhone('+34910123456')).toBe('+34 910 12 34 56');
    expect(formatPhone('+390612345678')).toBe('+39 06 1234 5678');
    expect(formatPhone('+49301234567')).toBe('+49 30 1234567');
  });

  it('groups other numbers and leaves what is not E.164 alone', () => {
    expect(formatPhone('+81312345678')).toBe('+81 312 345 678');
    expect(formatPhone('01 99 00 10 01')).toBe('01 99 00 10 01');
    expect(formatPhone('+33 1 99 00 10 01')).toBe('+33 1 99 00 10 01');
  });
});

import { filenameOf } from './account.service';

describe('filenameOf', () => {
  it('reads the file name of a Content-Disposition header', () => {
    expect(filenameOf('attachment; filename="ycyw-my-data.json"')).toBe('ycyw-my-data.json');
    expect(filenameOf("attachment; filename*=UTF-8''donn%C3%A9es.json")).toBe('données.json');
    expect(filenameOf(null)).toBeNull();
  });
});

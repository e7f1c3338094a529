import {
  fromGeminiSpeechResponse,
  geminiSpeechCodec,
  sampleRateOf,
  toGeminiSpeechBody,
} from './gemini.speech';

describe('Gemini TTS codec', () => {
  it('maps OpenAI voices to prebuilt ones and takes Gemini names in any case', () => {
    expect(geminiSpeechCodec.voiceFor('alloy')).toBe('Zephyr');
    expect(geminiSpeechCodec.voiceFor('onyx')).toBe('Charon');
    expect(geminiSpeechCodec.voiceFor('kore')).toBe('Kore');
    expect(geminiSpeechCodec.voiceFor('nobody')).toBeUndefined();
  });

  it('asks for audio in the voice, the instructions said first', () => {
    expect(toGeminiSpeechBody({ input: 'Hello', voice: 'Puck', instructions: 'Say cheerfully' })).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say cheerfully:\nHello' }] }],
      generationConfig: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
      },
    });
  });

  it('joins the audio parts, reads the rate and the audio output tokens', () => {
    const a = Buffer.from([1, 0, 2, 0]);
    const b = Buffer.from([3, 0]);
    const audio = fromGeminiSpeechResponse({
      candidates: [
        {
          content: {
            parts: [
              { inlineData: { mimeType: 'audio/L16;codec=pcm;rate=16000', data: a.toString('base64') } },
              { inlineData: { mimeType: 'audio/L16;codec=pcm;rate=16000', data: b.toString('base64') } },
            ],
          },
        },
      ],
      usageMetadata: {
        promptTokenCount: 4,
        candidatesTokenCount: 9,
        candidatesTokensDetails: [{ modality: 'AUDIO', tokenCount: 9 }],
      },
    });
    expect(audio.pcm).toEqual(Buffer.concat([a, b]));
    expect(audio).toMatchObject({ sampleRate: 16_000, channels: 1 });
    expect(audio.usage).toMatchObject({ promptTokens: 4, completionTokens: 9, audioOutputTokens: 9 });
    expect(sampleRateOf('audio/L16;codec=pcm')).toBeUndefined();
  });

  it('an answer without audio is an error naming why', () => {
    expect(() => fromGeminiSpeechResponse({ candidates: [{ finishReason: 'SAFETY' }] })).toThrow(/SAFETY/);
  });
});
